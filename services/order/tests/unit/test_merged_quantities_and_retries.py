"""Two findings of the resilience review, answered: lines of one SKU merged over the
reservation contract's limit are a client error, and an attempt that will fail frees its
Idempotency-Key at once."""

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from order_service import service
from order_service.domain import (
    NothingOrderedError,
    Order,
    OrderFailedError,
    OrderLine,
    OrderStatus,
    QuantityOverLimitError,
    fingerprint,
    new_order_number,
)
from order_service.service import Ordering
from shopkit.reservations import MAX_LINE_QUANTITY
from testkit.asgi import InProcessClient

from .conftest import ALICE, FakeInventory, FakeOrders, placed

MUG = Decimal("12.50")
PLENTY = 10 * MAX_LINE_QUANTITY


def mugs(quantity: int) -> OrderLine:
    return OrderLine("mug", quantity, MUG)


def mug_lines(*quantities: int) -> dict[str, Any]:
    return {
        "orderLineItemsDtoList": [
            {"skuCode": "mug", "price": 12.5, "quantity": quantity} for quantity in quantities
        ]
    }


async def test_lines_of_one_sku_over_the_limit_together_are_refused_before_anything_is_stored(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    inventory.stock["mug"] = PLENTY

    with pytest.raises(QuantityOverLimitError) as refused:
        await service.place_order(ordering, ALICE, [mugs(MAX_LINE_QUANTITY), mugs(1)])

    assert refused.value.quantities == {"mug": MAX_LINE_QUANTITY + 1}
    assert orders.by_number == {}
    assert inventory.reservations == {}


async def test_lines_of_one_sku_that_add_up_to_the_limit_are_placed(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    inventory.stock["mug"] = PLENTY

    order = await placed(ordering, ALICE, [mugs(MAX_LINE_QUANTITY - 1), mugs(1)])

    assert order.status is OrderStatus.CONFIRMED
    assert order.lines == (mugs(MAX_LINE_QUANTITY),)


async def test_merged_lines_over_the_limit_are_a_422_problem_not_an_outage(
    api: InProcessClient,
    inventory: FakeInventory,
    orders: FakeOrders,
    alice: dict[str, str],
) -> None:
    inventory.stock["mug"] = PLENTY

    answer = await api.request(
        "POST", "/api/order/create", mug_lines(MAX_LINE_QUANTITY, MAX_LINE_QUANTITY), alice
    )

    assert answer.status == 422, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body["type"] == "urn:shopstack:problem:quantity-over-limit"
    assert answer.body["limit"] == MAX_LINE_QUANTITY
    assert answer.body["lines"] == [{"skuCode": "mug", "quantity": 2 * MAX_LINE_QUANTITY}]
    assert orders.by_number == {}
    assert inventory.reservations == {}


async def test_a_retry_after_inventory_was_unreachable_places_the_order_at_once(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    inventory.up = False
    with pytest.raises(NothingOrderedError):
        await service.place_order(ordering, ALICE, [mugs(1)], idempotency_key="k1")
    [first] = orders.by_number.values()
    inventory.up = True

    retried = await placed(ordering, ALICE, [mugs(1)], idempotency_key="k1")

    assert retried.status is OrderStatus.CONFIRMED
    assert retried.order_number != first.order_number
    assert inventory.stock["mug"] == 2
    await service.settle_abandoned_orders(ordering, older_than=timedelta(0))
    settled = await orders.get(first.order_number)
    assert settled is not None
    assert settled.status is OrderStatus.FAILED
    assert inventory.stock["mug"] == 2


async def test_the_503_retry_with_the_same_key_is_a_201_while_the_release_still_waits(
    api: InProcessClient, inventory: FakeInventory, alice: dict[str, str]
) -> None:
    headers = alice | {"Idempotency-Key": "k1"}
    inventory.up = False
    failed = await api.request("POST", "/api/order/create", mug_lines(1), headers)
    inventory.up = True

    retried = await api.request("POST", "/api/order/create", mug_lines(1), headers)

    assert failed.status == 503
    assert retried.status == 201, retried.body
    assert retried.body["status"] == "CONFIRMED"


async def test_a_repeat_waiting_for_an_attempt_that_starts_to_fail_stops_waiting(
    orders: FakeOrders, ordering: Ordering
) -> None:
    patient = Ordering(orders, ordering.catalog, ordering.inventory, idempotency_wait_seconds=30.0)
    first = Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=(mugs(1),),
        created_at=service.utc_now(),
        fingerprint=fingerprint([mugs(1)]),
        idempotency_key="k1",
        owner=ALICE.subject,
    )
    await orders.add(first)
    repeat = asyncio.create_task(
        service.place_order(patient, ALICE, [mugs(1)], idempotency_key="k1")
    )
    await asyncio.sleep(0.1)

    assert await orders.save_transition(first.owe_release(), expected=first)
    with pytest.raises(OrderFailedError):
        await asyncio.wait_for(repeat, timeout=1.0)
    assert await orders.get_by_idempotency_key(ALICE.idempotency_scope, "k1") is None
