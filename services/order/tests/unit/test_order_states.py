"""The order's state machine: every move it makes comes from one transition table."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from order_service.domain import (
    TRANSITIONS,
    IllegalTransitionError,
    NotCancellableError,
    Order,
    OrderLine,
    OrderStatus,
    Shortage,
    fingerprint,
)

LINES = (OrderLine("mug", 2, Decimal("12.50")),)


def an_order(status: OrderStatus = OrderStatus.PENDING) -> Order:
    return Order(
        order_number="0f8a1a4e-6a7e-4f43-9a55-2a4ad0c6f2a1",
        status=status,
        lines=LINES,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        fingerprint=fingerprint(LINES),
        idempotency_key="key-1",
    )


def test_every_status_has_its_row_in_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(OrderStatus)


def test_only_a_pending_order_settles_and_only_a_confirmed_one_cancels() -> None:
    assert {status: set(allowed) for status, allowed in TRANSITIONS.items()} == {
        OrderStatus.PENDING: {OrderStatus.CONFIRMED, OrderStatus.REJECTED, OrderStatus.FAILED},
        OrderStatus.CONFIRMED: {OrderStatus.CANCELLED},
        OrderStatus.REJECTED: set(),
        OrderStatus.FAILED: set(),
        OrderStatus.CANCELLED: set(),
    }


def test_a_confirmed_order_keeps_its_idempotency_key() -> None:
    confirmed = an_order().confirm()

    assert confirmed.status is OrderStatus.CONFIRMED
    assert confirmed.idempotency_key == "key-1"


def test_a_rejected_order_keeps_what_was_short() -> None:
    rejected = an_order().reject([Shortage("mug", 2, 1)])

    assert rejected.status is OrderStatus.REJECTED
    assert rejected.shortages == (Shortage("mug", 2, 1),)
    assert rejected.idempotency_key == "key-1"


def test_a_failed_order_gives_its_idempotency_key_back() -> None:
    failed = an_order().fail()

    assert failed.status is OrderStatus.FAILED
    assert failed.idempotency_key is None


def test_a_confirmed_order_cancels() -> None:
    assert an_order(OrderStatus.CONFIRMED).cancel().status is OrderStatus.CANCELLED


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING, OrderStatus.REJECTED, OrderStatus.FAILED, OrderStatus.CANCELLED],
)
def test_an_order_that_is_not_confirmed_does_not_cancel(status: OrderStatus) -> None:
    order = an_order(status)

    with pytest.raises(NotCancellableError) as refused:
        order.cancel()

    assert refused.value.order == order
    assert str(refused.value) == f"order {order.order_number} is {status}; only CONFIRMED cancels"


@pytest.mark.parametrize(
    "status",
    [OrderStatus.CONFIRMED, OrderStatus.REJECTED, OrderStatus.FAILED, OrderStatus.CANCELLED],
)
def test_an_order_that_is_no_longer_pending_settles_no_more(status: OrderStatus) -> None:
    order = an_order(status)

    for settle in (order.confirm, order.fail, lambda: order.reject([])):
        with pytest.raises(IllegalTransitionError):
            settle()
