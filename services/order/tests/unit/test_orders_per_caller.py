"""The use cases enforce who may see an order, and scope Idempotency-Keys per caller."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from order_service import service
from order_service.domain import (
    Caller,
    NotACustomerError,
    NothingOrderedError,
    OrderLine,
    OrderNotFoundError,
    OrderStatus,
    SignInRequiredError,
    secret_digest,
)
from order_service.service import Ordering

from .conftest import ADMIN, ALICE, BOB, GUEST, FakeInventory, FakeOrders, placed

MUGS = [OrderLine("mug", 1, Decimal("12.50"))]
TEAS = [OrderLine("tea", 1, Decimal("4.99"))]


async def test_a_customers_order_records_its_owner_and_answers_no_secret(
    ordering: Ordering,
) -> None:
    answer = await service.place_order(ordering, ALICE, MUGS)

    assert answer.order.owner == "alice"
    assert answer.guest_secret is None
    assert answer.order.guest_secret_digest is None


async def test_a_guest_order_answers_its_secret_once_and_stores_only_its_digest(
    ordering: Ordering, orders: FakeOrders
) -> None:
    answer = await service.place_order(ordering, GUEST, MUGS, idempotency_key="g1")
    replay = await service.place_order(ordering, GUEST, MUGS, idempotency_key="g1")

    assert answer.guest_secret is not None
    stored = await orders.get(answer.order.order_number)
    assert stored is not None
    assert stored.owner is None
    assert stored.guest_secret_digest == secret_digest(answer.guest_secret)
    assert replay.order == answer.order
    assert replay.guest_secret is None


async def test_an_order_is_read_by_its_owner_an_admin_and_no_other_customer(
    ordering: Ordering, orders: FakeOrders
) -> None:
    order = await placed(ordering, ALICE, MUGS)

    assert await service.get_order(orders, order.order_number, ALICE) == order
    assert await service.get_order(orders, order.order_number, ADMIN) == order
    with pytest.raises(OrderNotFoundError):
        await service.get_order(orders, order.order_number, BOB)


async def test_a_guest_order_is_read_with_its_secret_and_nothing_else(
    ordering: Ordering, orders: FakeOrders
) -> None:
    answer = await service.place_order(ordering, GUEST, MUGS)
    number = answer.order.order_number

    assert await service.get_order(orders, number, Caller(order_secret=answer.guest_secret))
    with pytest.raises(SignInRequiredError):
        await service.get_order(orders, number, GUEST)
    with pytest.raises(OrderNotFoundError):
        await service.get_order(orders, number, Caller(order_secret="wrong"))
    with pytest.raises(OrderNotFoundError):
        await service.get_order(orders, number, BOB)


async def test_an_anonymous_caller_without_a_secret_learns_nothing_of_which_orders_exist(
    ordering: Ordering, orders: FakeOrders
) -> None:
    order = await placed(ordering, ALICE, MUGS)

    for number in (order.order_number, "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(SignInRequiredError):
            await service.get_order(orders, number, GUEST)


async def test_another_customer_cannot_cancel_an_order_and_its_stock_stays_taken(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    order = await placed(ordering, ALICE, [OrderLine("mug", 2, Decimal("12.50"))])

    with pytest.raises(OrderNotFoundError):
        await service.cancel_order(ordering, order.order_number, BOB)
    with pytest.raises(OrderNotFoundError):
        await service.cancel_order(ordering, order.order_number, Caller(order_secret="wrong"))

    assert inventory.stock["mug"] == 1
    cancelled = await service.cancel_order(ordering, order.order_number, ADMIN)
    assert cancelled.status is OrderStatus.CANCELLED
    assert inventory.stock["mug"] == 3


async def test_a_guest_cancels_their_order_with_its_secret(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    answer = await service.place_order(ordering, GUEST, MUGS)
    holder = Caller(order_secret=answer.guest_secret)

    cancelled = await service.cancel_order(ordering, answer.order.order_number, holder)

    assert cancelled.status is OrderStatus.CANCELLED
    assert inventory.stock["mug"] == 3


async def test_a_customer_lists_only_their_own_orders_and_an_admin_every_order(
    ordering: Ordering, orders: FakeOrders
) -> None:
    alices = [await placed(ordering, ALICE, TEAS) for _ in range(2)]
    bobs = await placed(ordering, BOB, TEAS)
    guests = await placed(ordering, GUEST, TEAS)

    listed = await service.list_orders(orders, ALICE, page=0, size=10)
    everything = await service.list_orders(orders, ADMIN, page=0, size=10)

    assert {o.order_number for o in listed} == {o.order_number for o in alices}
    assert {o.order_number for o in everything} == {o.order_number for o in [*alices, bobs, guests]}


async def test_a_service_without_the_admin_role_lists_no_orders(
    ordering: Ordering, orders: FakeOrders
) -> None:
    with pytest.raises(NotACustomerError):
        await service.list_orders(
            orders, Caller(subject="inventory-service", is_service=True), page=0, size=10
        )


async def test_one_customers_idempotency_key_places_a_new_order_for_another(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    alices = await placed(ordering, ALICE, MUGS, idempotency_key="same")
    bobs = await placed(ordering, BOB, MUGS, idempotency_key="same")
    bobs_again = await placed(ordering, BOB, MUGS, idempotency_key="same")

    assert bobs.order_number != alices.order_number
    assert bobs_again == bobs
    assert bobs.owner == "bob"
    assert inventory.stock["mug"] == 1


async def test_a_key_past_its_lifetime_places_a_new_order(
    ordering: Ordering, orders: FakeOrders, inventory: FakeInventory
) -> None:
    first = await placed(ordering, ALICE, MUGS, idempotency_key="daily")
    orders.by_number[first.order_number] = replace(
        first, created_at=first.created_at - timedelta(hours=24, seconds=1)
    )

    second = await placed(ordering, ALICE, MUGS, idempotency_key="daily")
    again = await placed(ordering, ALICE, MUGS, idempotency_key="daily")

    assert second.order_number != first.order_number
    assert again == second
    forgotten = await orders.get(first.order_number)
    assert forgotten is not None
    assert (forgotten.status, forgotten.idempotency_key) == (OrderStatus.CONFIRMED, None)
    assert inventory.stock["mug"] == 1


async def test_a_key_within_a_shorter_lifetime_still_replays_the_first_order(
    ordering: Ordering, orders: FakeOrders
) -> None:
    hourly = replace(ordering, idempotency_key_ttl=timedelta(hours=1))
    first = await placed(hourly, ALICE, MUGS, idempotency_key="hourly")
    orders.by_number[first.order_number] = replace(
        first, created_at=first.created_at - timedelta(minutes=59)
    )

    again = await placed(hourly, ALICE, MUGS, idempotency_key="hourly")

    assert again.order_number == first.order_number


async def test_without_a_token_for_the_inventory_the_order_fails_at_once_taking_nothing(
    ordering: Ordering, orders: FakeOrders, inventory: FakeInventory
) -> None:
    inventory.token_available = False

    with pytest.raises(NothingOrderedError) as unavailable:
        await service.place_order(ordering, ALICE, MUGS, idempotency_key="k1")

    assert unavailable.value.service == "the token endpoint"
    [failed] = orders.by_number.values()
    assert (failed.status, failed.must_release) == (OrderStatus.FAILED, False)
    assert inventory.stock["mug"] == 3
    inventory.token_available = True
    retried = await placed(ordering, ALICE, MUGS, idempotency_key="k1")
    assert retried.status is OrderStatus.CONFIRMED
