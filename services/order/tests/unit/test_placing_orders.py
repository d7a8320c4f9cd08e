from datetime import timedelta
from decimal import Decimal

import pytest

from order_service import service
from order_service.domain import (
    DependencyUnavailableError,
    IdempotencyKeyReusedError,
    IllegalTransitionError,
    NotCancellableError,
    Order,
    OrderLine,
    OrderStatus,
    OutOfStockError,
    PriceChangedError,
    Shortage,
    UnknownSkusError,
    fingerprint,
    new_order_number,
)
from order_service.ports import ReservationStatus
from order_service.service import Ordering

from .conftest import ADMIN, ALICE, FakeCatalog, FakeInventory, FakeOrders, placed

MUG = Decimal("12.50")
TEA = Decimal("4.99")


def mugs(quantity: int, price: Decimal = MUG) -> OrderLine:
    return OrderLine("mug", quantity, price)


async def test_an_order_in_stock_is_confirmed_and_takes_its_stock(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    order = await placed(ordering, ALICE, [mugs(2), OrderLine("tea", 3, TEA)])

    assert order.status is OrderStatus.CONFIRMED
    assert order.total == Decimal("39.97")
    assert inventory.stock == {"mug": 1, "tea": 7}


async def test_lines_for_the_same_sku_are_merged(ordering: Ordering) -> None:
    order = await placed(ordering, ALICE, [mugs(1), OrderLine("tea", 1, TEA), mugs(1)])

    assert order.lines == (mugs(2), OrderLine("tea", 1, TEA))


async def test_an_order_out_of_stock_is_kept_as_rejected_and_takes_nothing(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    with pytest.raises(OutOfStockError) as refused:
        await service.place_order(ordering, ALICE, [mugs(5), OrderLine("tea", 1, TEA)])

    order = refused.value.order
    assert order.status is OrderStatus.REJECTED
    assert order.shortages == (Shortage("mug", 5, 3),)
    assert inventory.stock == {"mug": 3, "tea": 10}
    assert await orders.get(order.order_number) == order


async def test_a_price_that_differs_from_the_catalog_is_refused_before_anything_is_stored(
    ordering: Ordering, orders: FakeOrders
) -> None:
    with pytest.raises(PriceChangedError) as refused:
        await service.place_order(ordering, ALICE, [mugs(1, Decimal("10.00"))])

    assert [(c.sku_code, c.requested, c.current) for c in refused.value.changes] == [
        ("mug", Decimal("10.00"), MUG)
    ]
    assert orders.by_number == {}


async def test_an_unknown_sku_is_refused_before_anything_is_stored(
    ordering: Ordering, orders: FakeOrders
) -> None:
    with pytest.raises(UnknownSkusError) as refused:
        await service.place_order(ordering, ALICE, [OrderLine("ghost", 1, MUG), mugs(1)])

    assert refused.value.sku_codes == ["ghost"]
    assert orders.by_number == {}


async def test_a_catalog_outage_places_nothing(
    ordering: Ordering, catalog: FakeCatalog, orders: FakeOrders
) -> None:
    catalog.up = False

    with pytest.raises(DependencyUnavailableError):
        await service.place_order(ordering, ALICE, [mugs(1)])

    assert orders.by_number == {}


async def test_an_inventory_timeout_releases_the_stock_and_fails_the_order(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    inventory.reservation_lands_then_times_out = True

    with pytest.raises(DependencyUnavailableError):
        await service.place_order(ordering, ALICE, [mugs(2)])

    [order] = orders.by_number.values()
    assert order.status is OrderStatus.FAILED
    assert inventory.stock["mug"] == 3


async def test_an_unreachable_inventory_leaves_the_order_for_recovery_to_release(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    inventory.up = False

    with pytest.raises(DependencyUnavailableError):
        await service.place_order(ordering, ALICE, [mugs(2)])

    [order] = orders.by_number.values()
    assert order.status is OrderStatus.PENDING
    assert order.must_release


async def test_a_repeat_with_the_same_idempotency_key_returns_the_first_order(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    first = await placed(ordering, ALICE, [mugs(1)], idempotency_key="k1")
    again = await placed(ordering, ALICE, [mugs(1)], idempotency_key="k1")

    assert again == first
    assert len(orders.by_number) == 1
    assert inventory.stock["mug"] == 2


async def test_an_idempotency_key_reused_for_another_request_is_refused(
    ordering: Ordering,
) -> None:
    await service.place_order(ordering, ALICE, [mugs(1)], idempotency_key="k1")

    with pytest.raises(IdempotencyKeyReusedError):
        await service.place_order(ordering, ALICE, [mugs(2)], idempotency_key="k1")


async def test_a_failed_attempt_gives_its_idempotency_key_back_for_the_retry(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    inventory.reservation_lands_then_times_out = True
    with pytest.raises(DependencyUnavailableError):
        await service.place_order(ordering, ALICE, [mugs(1)], idempotency_key="k1")
    inventory.reservation_lands_then_times_out = False

    retried = await placed(ordering, ALICE, [mugs(1)], idempotency_key="k1")

    assert retried.status is OrderStatus.CONFIRMED
    assert inventory.stock["mug"] == 2


def test_the_fingerprint_ignores_line_order_and_splitting() -> None:
    one = fingerprint([mugs(2), OrderLine("tea", 1, TEA)])
    other = fingerprint([OrderLine("tea", 1, TEA), mugs(1), mugs(1)])

    assert one == other
    assert one != fingerprint([mugs(3), OrderLine("tea", 1, TEA)])


async def test_cancelling_returns_the_stock_exactly_once(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    order = await placed(ordering, ALICE, [mugs(2)])

    first = await service.cancel_order(ordering, order.order_number, ALICE)
    second = await service.cancel_order(ordering, order.order_number, ALICE)

    assert first.status is second.status is OrderStatus.CANCELLED
    assert inventory.stock["mug"] == 3


async def test_only_a_confirmed_order_can_be_cancelled(ordering: Ordering) -> None:
    with pytest.raises(OutOfStockError) as out_of_stock:
        await service.place_order(ordering, ALICE, [mugs(9)])
    rejected = out_of_stock.value.order

    with pytest.raises(NotCancellableError):
        await service.cancel_order(ordering, rejected.order_number, ALICE)


async def test_recovery_confirms_an_abandoned_order_whose_stock_was_taken(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    order = await _abandoned_after_reservation(ordering, inventory, orders)

    assert await service.settle_abandoned_orders(ordering, older_than=timedelta(0)) == 1

    assert (await service.get_order(orders, order, ADMIN)).status is OrderStatus.CONFIRMED
    assert inventory.stock["mug"] == 1


async def test_recovery_fails_an_abandoned_order_without_stock_and_blocks_a_late_reservation(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    order = await _abandoned_before_reservation(ordering, orders)

    await service.settle_abandoned_orders(ordering, older_than=timedelta(0))

    assert (await service.get_order(orders, order.order_number, ADMIN)).status is OrderStatus.FAILED
    late = await inventory.reserve(order.order_number, order.lines)
    assert late.status is ReservationStatus.RELEASED
    assert inventory.stock["mug"] == 3


async def test_recovery_releases_an_order_marked_for_release_even_if_it_was_reserved(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    number = await _abandoned_after_reservation(ordering, inventory, orders)
    pending = orders.by_number[number]
    assert await orders.save_transition(pending.owe_release(), expected=pending)

    await service.settle_abandoned_orders(ordering, older_than=timedelta(0))

    assert (await service.get_order(orders, number, ADMIN)).status is OrderStatus.FAILED
    assert inventory.stock["mug"] == 3


async def test_a_confirmation_decided_before_a_release_was_owed_is_refused(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    # The recovery loop read the reservation as taken; meanwhile the live request, whose
    # reservation call timed out, wrote that it owes a release and is releasing it.
    number = await _abandoned_after_reservation(ordering, inventory, orders)
    read_by_recovery = orders.by_number[number]
    assert await orders.save_transition(read_by_recovery.owe_release(), read_by_recovery)

    assert not await orders.save_transition(read_by_recovery.confirm(), read_by_recovery)
    with pytest.raises(IllegalTransitionError):
        orders.by_number[number].confirm()
    assert orders.by_number[number].status is OrderStatus.PENDING


async def test_recovery_waits_while_inventory_is_down_and_leaves_young_orders_alone(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    order = await _abandoned_before_reservation(ordering, orders)
    inventory.up = False

    assert await service.settle_abandoned_orders(ordering, older_than=timedelta(0)) == 0
    inventory.up = True
    assert await service.settle_abandoned_orders(ordering, older_than=timedelta(days=2)) == 0

    assert (
        await service.get_order(orders, order.order_number, ADMIN)
    ).status is OrderStatus.PENDING


async def _abandoned_before_reservation(ordering: Ordering, orders: FakeOrders) -> Order:
    """An order whose process crashed a day ago, right after writing it PENDING."""
    order = Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=(mugs(2),),
        created_at=service.utc_now() - timedelta(days=1),
        fingerprint=fingerprint([mugs(2)]),
    )
    await orders.add(order)
    return order


async def _abandoned_after_reservation(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> str:
    """An order whose process crashed between its reservation and its confirmation."""
    order = await _abandoned_before_reservation(ordering, orders)
    await inventory.reserve(order.order_number, order.lines)
    return order.order_number
