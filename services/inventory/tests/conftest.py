from collections.abc import Sequence
from dataclasses import replace

import pytest

from inventory_service.bootstrap import InventoryDependencies
from inventory_service.domain import Reservation, ReservationItem, ReservationStatus, Shortage
from testkit.callers import bearer
from testkit.issuer import TestIssuer

ORDER_SERVICE = "order-service"
"""The client id the identity service gives the order service."""
RESERVE_SCOPE = "inventory:reserve"


@pytest.fixture
def order_service_headers(token_issuer: TestIssuer) -> dict[str, str]:
    """The order service's own client-credentials token: who may reserve and release."""
    return bearer(token_issuer.mint_service(ORDER_SERVICE, scopes=[RESERVE_SCOPE]))


class FakeStockRepository:
    """In-memory stock that keeps the store contract (see the integration contract tests)."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}

    async def quantities(self, sku_codes: Sequence[str]) -> dict[str, int]:
        return {code: self.levels[code] for code in sku_codes if code in self.levels}

    async def set_quantity(self, sku_code: str, quantity: int) -> None:
        self.levels[sku_code] = quantity

    async def count(self) -> int:
        return len(self.levels)

    async def count_below(self, threshold: int) -> int:
        return sum(quantity < threshold for quantity in self.levels.values())


class FakeReservationRepository:
    """In-memory reservations taking `stock`, keeping the store contract (see the
    integration reservation store tests)."""

    def __init__(self, stock: FakeStockRepository) -> None:
        self.stock = stock
        self.by_order: dict[str, Reservation] = {}

    async def reserve(self, order_number: str, items: Sequence[ReservationItem]) -> Reservation:
        if order_number in self.by_order:
            return self.by_order[order_number]
        levels = self.stock.levels
        shortages = tuple(
            Shortage(item.sku_code, item.quantity, levels.get(item.sku_code, 0))
            for item in items
            if levels.get(item.sku_code, 0) < item.quantity
        )
        if shortages:
            reservation = Reservation(
                order_number, ReservationStatus.REJECTED, tuple(items), shortages
            )
        else:
            for item in items:
                levels[item.sku_code] -= item.quantity
            reservation = Reservation(order_number, ReservationStatus.RESERVED, tuple(items))
        self.by_order[order_number] = reservation
        return reservation

    async def release(self, order_number: str) -> Reservation:
        known = self.by_order.get(order_number)
        if known is None:
            known = Reservation(order_number, ReservationStatus.RELEASED, ())
        elif known.status is ReservationStatus.RESERVED:
            for item in known.items:
                self.stock.levels[item.sku_code] += item.quantity
            known = replace(known, status=ReservationStatus.RELEASED)
        self.by_order[order_number] = known
        return known

    async def get(self, order_number: str) -> Reservation | None:
        return self.by_order.get(order_number)


class RecordingOutcomes:
    """Remembers every outcome it is told, in order."""

    def __init__(self) -> None:
        self.reservations_answered: list[Reservation] = []
        self.releases_answered: list[Reservation] = []

    def reservation_answered(self, reservation: Reservation) -> None:
        self.reservations_answered.append(reservation)

    def release_answered(self, reservation: Reservation) -> None:
        self.releases_answered.append(reservation)


@pytest.fixture
def stock() -> FakeStockRepository:
    return FakeStockRepository()


@pytest.fixture
def reservations(stock: FakeStockRepository) -> FakeReservationRepository:
    return FakeReservationRepository(stock)


@pytest.fixture
def outcomes() -> RecordingOutcomes:
    return RecordingOutcomes()


@pytest.fixture
def dependencies(
    stock: FakeStockRepository,
    reservations: FakeReservationRepository,
    outcomes: RecordingOutcomes,
) -> InventoryDependencies:
    """The inventory wired with in-memory fakes."""
    return InventoryDependencies(stock=stock, reservations=reservations, outcomes=outcomes)
