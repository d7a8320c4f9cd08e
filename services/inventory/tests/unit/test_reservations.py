"""Reservation use cases: only a reservation that took its stock is returned; every other
outcome is raised, carrying the reservation, and every request is reported."""

import pytest

from inventory_service import service
from inventory_service.domain import (
    InsufficientStockError,
    Reservation,
    ReservationItem,
    ReservationNotFoundError,
    ReservationReleasedError,
    ReservationStatus,
    Shortage,
)

from ..conftest import FakeReservationRepository, FakeStockRepository, RecordingOutcomes

ORDER = "00000000-0000-4000-a000-000000000001"


async def test_a_reservation_that_takes_its_stock_is_returned_and_reported(
    stock: FakeStockRepository,
    reservations: FakeReservationRepository,
    outcomes: RecordingOutcomes,
) -> None:
    await stock.set_quantity("a", 5)

    reservation = await service.reserve_stock(
        reservations, outcomes, ORDER, [ReservationItem("a", 2)]
    )

    assert reservation == Reservation(ORDER, ReservationStatus.RESERVED, (ReservationItem("a", 2),))
    assert outcomes.reservations_answered == [reservation]
    assert stock.levels == {"a": 3}


async def test_a_short_reservation_raises_the_rejected_reservation_and_is_reported(
    stock: FakeStockRepository,
    reservations: FakeReservationRepository,
    outcomes: RecordingOutcomes,
) -> None:
    await stock.set_quantity("a", 1)
    items = [ReservationItem("b", 1), ReservationItem("a", 3)]

    with pytest.raises(InsufficientStockError) as rejected:
        await service.reserve_stock(reservations, outcomes, ORDER, items)

    assert rejected.value.reservation.status is ReservationStatus.REJECTED
    assert rejected.value.reservation.shortages == (Shortage("a", 3, 1), Shortage("b", 1, 0))
    assert str(rejected.value) == "not enough stock for: a, b. Nothing was reserved"
    assert outcomes.reservations_answered == [rejected.value.reservation]
    assert stock.levels == {"a": 1}


async def test_a_reservation_after_its_release_raises_the_released_reservation_and_is_reported(
    reservations: FakeReservationRepository, outcomes: RecordingOutcomes
) -> None:
    released = await service.release_stock(reservations, outcomes, ORDER)

    with pytest.raises(ReservationReleasedError) as refused:
        await service.reserve_stock(reservations, outcomes, ORDER, [ReservationItem("a", 1)])

    assert refused.value.reservation == released
    assert refused.value.reservation.status is ReservationStatus.RELEASED
    assert outcomes.reservations_answered == [released]
    assert outcomes.releases_answered == [released]


async def test_every_repeat_of_a_reservation_is_reported_again(
    stock: FakeStockRepository,
    reservations: FakeReservationRepository,
    outcomes: RecordingOutcomes,
) -> None:
    await stock.set_quantity("a", 5)

    first = await service.reserve_stock(reservations, outcomes, ORDER, [ReservationItem("a", 2)])
    again = await service.reserve_stock(reservations, outcomes, ORDER, [ReservationItem("a", 2)])

    assert again == first
    assert outcomes.reservations_answered == [first, first]
    assert stock.levels == {"a": 3}


async def test_every_release_is_reported_whatever_the_reservation_ended_as(
    stock: FakeStockRepository,
    reservations: FakeReservationRepository,
    outcomes: RecordingOutcomes,
) -> None:
    await stock.set_quantity("a", 1)
    with pytest.raises(InsufficientStockError):
        await service.reserve_stock(reservations, outcomes, ORDER, [ReservationItem("a", 2)])

    releases = [await service.release_stock(reservations, outcomes, ORDER) for _ in range(2)]

    assert [release.status for release in releases] == [ReservationStatus.REJECTED] * 2
    assert outcomes.releases_answered == releases


async def test_a_reservation_is_found_whatever_its_status(
    reservations: FakeReservationRepository, outcomes: RecordingOutcomes
) -> None:
    released = await service.release_stock(reservations, outcomes, ORDER)

    assert await service.find_reservation(reservations, ORDER) == released


async def test_finding_a_reservation_never_asked_for_raises_not_found(
    reservations: FakeReservationRepository,
) -> None:
    with pytest.raises(ReservationNotFoundError) as missing:
        await service.find_reservation(reservations, ORDER)

    assert missing.value.order_number == ORDER
