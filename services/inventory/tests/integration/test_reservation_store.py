"""Reservations on SQLite and on the real MariaDB: all or nothing, once, under concurrency."""

import asyncio
import random
import uuid
from collections.abc import Sequence

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from inventory_service import service
from inventory_service.adapters.reservations import SqlReservationRepository
from inventory_service.adapters.sql import SqlStockRepository
from inventory_service.domain import (
    InsufficientStockError,
    Reservation,
    ReservationItem,
    ReservationRefusedError,
    ReservationReleasedError,
    ReservationStatus,
    Shortage,
)
from inventory_service.ports import IgnoreOutcomes

RESERVED, REJECTED, RELEASED = (
    ReservationStatus.RESERVED,
    ReservationStatus.REJECTED,
    ReservationStatus.RELEASED,
)


def new_order() -> str:
    return str(uuid.uuid4())


async def reserve(
    reservations: SqlReservationRepository, order_number: str, items: Sequence[ReservationItem]
) -> Reservation:
    """What the reservation ended as, whether it took its stock or was refused."""
    try:
        return await service.reserve_stock(reservations, IgnoreOutcomes(), order_number, items)
    except ReservationRefusedError as refused:
        return refused.reservation


async def release(reservations: SqlReservationRepository, order_number: str) -> Reservation:
    return await service.release_stock(reservations, IgnoreOutcomes(), order_number)


async def stocked(engine: AsyncEngine, **levels: int) -> SqlStockRepository:
    stock = SqlStockRepository(engine)
    for sku, quantity in levels.items():
        await stock.set_quantity(sku, quantity)
    return stock


async def test_a_reservation_takes_the_stock_of_every_item(migrated_engine: AsyncEngine) -> None:
    stock = await stocked(migrated_engine, a=5, b=5)
    reservations = SqlReservationRepository(migrated_engine)

    items = [ReservationItem("b", 1), ReservationItem("a", 2), ReservationItem("b", 1)]
    reservation = await reserve(reservations, order := new_order(), items)

    assert reservation.status is RESERVED
    assert reservation.items == (ReservationItem("a", 2), ReservationItem("b", 2))
    assert await stock.quantities(["a", "b"]) == {"a": 3, "b": 3}
    assert await reservations.get(order) == reservation


async def test_a_short_sku_rejects_the_whole_reservation_and_takes_nothing(
    migrated_engine: AsyncEngine,
) -> None:
    stock = await stocked(migrated_engine, a=5, b=1)
    reservations = SqlReservationRepository(migrated_engine)

    items = [ReservationItem("a", 2), ReservationItem("b", 3), ReservationItem("unknown", 1)]
    with pytest.raises(InsufficientStockError) as rejected:
        await service.reserve_stock(reservations, IgnoreOutcomes(), new_order(), items)
    reservation = rejected.value.reservation

    assert reservation.status is REJECTED
    assert reservation.shortages == (Shortage("b", 3, 1), Shortage("unknown", 1, 0))
    assert await stock.quantities(["a", "b"]) == {"a": 5, "b": 1}


async def test_a_repeated_reservation_answers_the_first_outcome_and_takes_nothing_more(
    migrated_engine: AsyncEngine,
) -> None:
    stock = await stocked(migrated_engine, a=5)
    reservations = SqlReservationRepository(migrated_engine)
    order, rejected_order = new_order(), new_order()

    first = await reserve(reservations, order, [ReservationItem("a", 2)])
    again = await reserve(reservations, order, [ReservationItem("a", 2)])
    refused = await reserve(reservations, rejected_order, [ReservationItem("a", 9)])
    await stock.set_quantity("a", 100)
    refused_again = await reserve(reservations, rejected_order, [ReservationItem("a", 9)])

    assert again == first
    assert refused_again == refused
    assert refused.status is REJECTED
    assert await stock.quantities(["a"]) == {"a": 100}


async def test_a_release_gives_the_stock_back_exactly_once(migrated_engine: AsyncEngine) -> None:
    stock = await stocked(migrated_engine, a=5, b=5)
    reservations = SqlReservationRepository(migrated_engine)
    order = new_order()
    await reserve(reservations, order, [ReservationItem("a", 2), ReservationItem("b", 1)])

    releases = await asyncio.gather(*(release(reservations, order) for _ in range(5)))

    assert {release.status for release in releases} == {RELEASED}
    assert await stock.quantities(["a", "b"]) == {"a": 5, "b": 5}


async def test_a_release_before_its_reservation_makes_the_late_reservation_take_nothing(
    migrated_engine: AsyncEngine,
) -> None:
    stock = await stocked(migrated_engine, a=5)
    reservations = SqlReservationRepository(migrated_engine)
    order = new_order()

    released = await release(reservations, order)
    with pytest.raises(ReservationReleasedError) as refused:
        await service.reserve_stock(
            reservations, IgnoreOutcomes(), order, [ReservationItem("a", 1)]
        )
    late = refused.value.reservation

    assert released.status is RELEASED
    assert late.status is RELEASED
    assert await stock.quantities(["a"]) == {"a": 5}


async def test_a_rejected_reservation_is_not_released_into_stock(
    migrated_engine: AsyncEngine,
) -> None:
    stock = await stocked(migrated_engine, a=1)
    reservations = SqlReservationRepository(migrated_engine)
    order = new_order()
    await reserve(reservations, order, [ReservationItem("a", 3)])

    after = await release(reservations, order)

    assert after.status is REJECTED
    assert await stock.quantities(["a"]) == {"a": 1}


async def test_concurrent_reservations_never_oversell_a_hot_sku(
    migrated_engine: AsyncEngine,
) -> None:
    stock = await stocked(migrated_engine, hot=50)
    reservations = SqlReservationRepository(migrated_engine)

    outcomes = await asyncio.gather(
        *(reserve(reservations, new_order(), [ReservationItem("hot", 1)]) for _ in range(200))
    )

    statuses = [outcome.status for outcome in outcomes]
    assert statuses.count(RESERVED) == 50
    assert statuses.count(REJECTED) == 150
    assert await stock.quantities(["hot"]) == {"hot": 0}


async def test_concurrent_multi_sku_reservations_take_exactly_what_they_confirm(
    migrated_engine: AsyncEngine,
) -> None:
    initial = {f"sku{i}": 20 for i in range(6)}
    stock = await stocked(migrated_engine, **initial)
    reservations = SqlReservationRepository(migrated_engine)
    chooser = random.Random(7)
    orders = [
        [ReservationItem(sku, chooser.randint(1, 4)) for sku in chooser.sample(sorted(initial), 3)]
        for _ in range(120)
    ]

    outcomes = await asyncio.gather(
        *(reserve(reservations, new_order(), items) for items in orders)
    )

    final = await stock.quantities(list(initial))
    assert all(quantity >= 0 for quantity in final.values())
    taken: dict[str, int] = dict.fromkeys(initial, 0)
    for outcome in outcomes:
        if outcome.status is RESERVED:
            for item in outcome.items:
                taken[item.sku_code] += item.quantity
    assert {sku: initial[sku] - final[sku] for sku in initial} == taken
    assert any(outcome.status is REJECTED for outcome in outcomes)


async def test_concurrent_repeats_of_one_order_number_take_stock_once(
    migrated_engine: AsyncEngine,
) -> None:
    stock = await stocked(migrated_engine, a=10)
    reservations = SqlReservationRepository(migrated_engine)
    order = new_order()

    outcomes = await asyncio.gather(
        *(reserve(reservations, order, [ReservationItem("a", 3)]) for _ in range(20))
    )

    assert {outcome.status for outcome in outcomes} == {RESERVED}
    assert await stock.quantities(["a"]) == {"a": 7}
