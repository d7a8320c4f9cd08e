"""Placing answers only a placed order: every other outcome is an error carrying the order."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from order_service import service
from order_service.domain import (
    NothingOrderedError,
    Order,
    OrderFailedError,
    OrderInProgressError,
    OrderLine,
    OrderStatus,
    fingerprint,
    new_order_number,
)
from order_service.service import Ordering

from .conftest import ALICE, FakeCatalog, FakeInventory, FakeOrders, placed

MUGS = [OrderLine("mug", 1, Decimal("12.50"))]


async def test_a_repeat_while_the_first_request_is_still_placing_is_in_progress(
    ordering: Ordering, orders: FakeOrders
) -> None:
    first = Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=tuple(MUGS),
        created_at=service.utc_now(),
        fingerprint=fingerprint(MUGS),
        idempotency_key="k1",
        owner=ALICE.subject,
    )
    await orders.add(first)

    with pytest.raises(OrderInProgressError) as in_progress:
        await service.place_order(ordering, ALICE, MUGS, idempotency_key="k1")

    assert in_progress.value.order == first


async def test_an_order_whose_reservation_a_release_overtook_fails_and_gives_its_key_back(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    inventory.release_overtakes_reservations = True

    with pytest.raises(OrderFailedError) as failed:
        await service.place_order(ordering, ALICE, MUGS, idempotency_key="k1")

    assert failed.value.order.status is OrderStatus.FAILED
    assert await orders.get(failed.value.order.order_number) == failed.value.order
    assert await orders.get_by_idempotency_key(ALICE.idempotency_scope, "k1") is None
    assert inventory.stock["mug"] == 3


async def test_a_catalog_outage_is_nothing_ordered_naming_the_catalog(
    ordering: Ordering, catalog: FakeCatalog
) -> None:
    catalog.up = False

    with pytest.raises(NothingOrderedError) as unavailable:
        await service.place_order(ordering, ALICE, MUGS)

    assert unavailable.value.service == "product"


async def test_an_inventory_outage_is_nothing_ordered_naming_the_inventory(
    ordering: Ordering, inventory: FakeInventory
) -> None:
    inventory.up = False

    with pytest.raises(NothingOrderedError) as unavailable:
        await service.place_order(ordering, ALICE, MUGS)

    assert unavailable.value.service == "inventory"


async def test_a_cancel_the_inventory_cannot_answer_is_kept_and_recovery_returns_the_stock(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    order = await placed(ordering, ALICE, MUGS)
    inventory.up = False

    cancelled = await service.cancel_order(ordering, order.order_number, ALICE)

    assert cancelled.status is OrderStatus.CANCELLED
    assert inventory.stock["mug"] == 2
    inventory.up = True
    assert await service.settle_abandoned_orders(ordering, older_than=timedelta(0)) == 1
    assert inventory.stock["mug"] == 3
    assert not (await orders.get(order.order_number)).must_release  # type: ignore[union-attr]


async def test_a_cancel_whose_release_landed_unanswered_leaves_no_confirmed_order_without_stock(
    ordering: Ordering, inventory: FakeInventory, orders: FakeOrders
) -> None:
    order = await placed(ordering, ALICE, MUGS)
    inventory.release_lands_then_times_out = True

    await service.cancel_order(ordering, order.order_number, ALICE)

    assert inventory.stock["mug"] == 3
    assert (await orders.get(order.order_number)).status is OrderStatus.CANCELLED  # type: ignore[union-attr]


async def test_a_repeat_after_the_order_was_cancelled_answers_it_as_it_is_now(
    ordering: Ordering,
) -> None:
    order = await placed(ordering, ALICE, MUGS, idempotency_key="k1")
    await service.cancel_order(ordering, order.order_number, ALICE)

    again = await placed(ordering, ALICE, MUGS, idempotency_key="k1")

    assert again == replace(order, status=OrderStatus.CANCELLED)
