from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal

import pytest

from order_service import service
from order_service.bootstrap import OrderDependencies
from order_service.config import Settings
from order_service.domain import (
    Caller,
    DependencyUnavailableError,
    DuplicateIdempotencyKeyError,
    Line,
    Order,
    OrderLine,
    OrderStatus,
    RequestNotSentError,
    Shortage,
)
from order_service.main import create_app
from order_service.ports import Reservation, ReservationStatus
from order_service.service import Ordering
from shopkit.auth import AuthSettings
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import Bootstrap, Wired
from testkit.asgi import InProcessClient, started
from testkit.issuer import TestIssuer

ALICE = Caller(subject="alice")
BOB = Caller(subject="bob")
ADMIN = Caller(subject="root", is_admin=True)
GUEST = Caller()


async def placed(
    ordering: Ordering, caller: Caller, lines: Sequence[Line], idempotency_key: str | None = None
) -> Order:
    """The order `caller` placed (a guest's secret left aside)."""
    return (await service.place_order(ordering, caller, lines, idempotency_key)).order


class FakeOrders:
    """In-memory orders that keep the store contract (see the integration contract tests)."""

    def __init__(self) -> None:
        self.by_number: dict[str, Order] = {}

    async def add(self, order: Order) -> None:
        if order.idempotency_key and await self.get_by_idempotency_key(
            order.idempotency_scope, order.idempotency_key
        ):
            raise DuplicateIdempotencyKeyError
        self.by_number[order.order_number] = order

    async def get(self, order_number: str) -> Order | None:
        return self.by_number.get(order_number)

    async def get_by_idempotency_key(self, scope: str, key: str) -> Order | None:
        return next(
            (
                o
                for o in self.by_number.values()
                if o.idempotency_scope == scope and o.idempotency_key == key
            ),
            None,
        )

    async def save_transition(self, order: Order, expected: Order) -> bool:
        stored = self.by_number[order.order_number]
        if (stored.status, stored.must_release) != (expected.status, expected.must_release):
            return False
        self.by_number[order.order_number] = order
        return True

    async def newest(self, offset: int, limit: int) -> list[Order]:
        ordered = sorted(self.by_number.values(), key=lambda o: o.created_at, reverse=True)
        return ordered[offset : offset + limit]

    async def newest_of(self, owner: str, offset: int, limit: int) -> list[Order]:
        return [o for o in await self.newest(0, len(self.by_number)) if o.owner == owner][
            offset : offset + limit
        ]

    async def pending_since(self, cutoff: datetime, limit: int) -> list[Order]:
        pending = [
            o
            for o in self.by_number.values()
            if o.status is OrderStatus.PENDING and o.created_at < cutoff
        ]
        return sorted(pending, key=lambda o: o.created_at)[:limit]

    async def cancelled_owing_release(self, limit: int) -> list[Order]:
        owing = [
            o
            for o in self.by_number.values()
            if o.status is OrderStatus.CANCELLED and o.must_release
        ]
        return sorted(owing, key=lambda o: o.created_at)[:limit]


class FakeCatalog:
    def __init__(self) -> None:
        self.price_list: dict[str, Decimal] = {}
        self.up = True
        self.lookups = 0

    async def prices(self, sku_codes: Sequence[str], *, fresh: bool = False) -> dict[str, Decimal]:
        self.lookups += 1
        if not self.up:
            raise DependencyUnavailableError("product", "down")
        return {sku: self.price_list[sku] for sku in sku_codes if sku in self.price_list}


class FakeInventory:
    """Stock with reservations that behave like the inventory service's."""

    def __init__(self) -> None:
        self.stock: dict[str, int] = {}
        self.reservations: dict[str, tuple[ReservationStatus, tuple[OrderLine, ...]]] = {}
        self.up = True
        self.token_available = True
        self.reservation_lands_then_times_out = False
        self.release_lands_then_times_out = False
        self.release_overtakes_reservations = False

    def _check_up(self) -> None:
        if not self.token_available:
            raise RequestNotSentError("the token endpoint", "down")
        if not self.up:
            raise DependencyUnavailableError("inventory", "down")

    async def reserve(self, order_number: str, lines: Sequence[OrderLine]) -> Reservation:
        self._check_up()
        if self.release_overtakes_reservations:  # as the recovery loop's release may
            await self.release(order_number)
        if order_number in self.reservations:
            return Reservation(self.reservations[order_number][0])
        short = tuple(
            Shortage(line.sku_code, line.quantity, self.stock.get(line.sku_code, 0))
            for line in lines
            if self.stock.get(line.sku_code, 0) < line.quantity
        )
        if short:
            self.reservations[order_number] = (ReservationStatus.REJECTED, tuple(lines))
            return Reservation(ReservationStatus.REJECTED, short)
        for line in lines:
            self.stock[line.sku_code] -= line.quantity
        self.reservations[order_number] = (ReservationStatus.RESERVED, tuple(lines))
        if self.reservation_lands_then_times_out:
            raise DependencyUnavailableError("inventory", "timed out")
        return Reservation(ReservationStatus.RESERVED)

    async def release(self, order_number: str) -> None:
        self._check_up()
        status, lines = self.reservations.get(order_number, (None, ()))
        if status is ReservationStatus.RESERVED:
            for line in lines:
                self.stock[line.sku_code] += line.quantity
        if status in (ReservationStatus.RESERVED, None):
            self.reservations[order_number] = (ReservationStatus.RELEASED, lines)
        if self.release_lands_then_times_out:
            raise DependencyUnavailableError("inventory", "timed out")

    async def reservation(self, order_number: str) -> Reservation | None:
        self._check_up()
        if order_number not in self.reservations:
            return None
        return Reservation(self.reservations[order_number][0])


@pytest.fixture
def catalog() -> FakeCatalog:
    catalog = FakeCatalog()
    catalog.price_list = {"mug": Decimal("12.50"), "tea": Decimal("4.99")}
    return catalog


@pytest.fixture
def inventory() -> FakeInventory:
    inventory = FakeInventory()
    inventory.stock = {"mug": 3, "tea": 10}
    return inventory


@pytest.fixture
def orders() -> FakeOrders:
    return FakeOrders()


@pytest.fixture
def ordering(orders: FakeOrders, catalog: FakeCatalog, inventory: FakeInventory) -> Ordering:
    return Ordering(orders, catalog, inventory, idempotency_wait_seconds=0.2)


def wired_with(ordering: Ordering) -> Bootstrap[OrderDependencies]:
    """A bootstrap that wires the app with `ordering`, and no database."""

    @asynccontextmanager
    async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[OrderDependencies]]:
        yield Wired(OrderDependencies(ordering=ordering))

    return bootstrap


@pytest.fixture
async def api(ordering: Ordering, token_issuer: TestIssuer) -> AsyncIterator[InProcessClient]:
    """The order app wired with the fakes, in-process, trusting `token_issuer`."""
    settings = Settings(auth=AuthSettings(issuer=token_issuer.url))
    async with started(create_app(settings, bootstrap=wired_with(ordering))) as client:
        yield client


def bearer(issuer: TestIssuer, subject: str, *roles: str) -> dict[str, str]:
    """The Authorization header of a user token for `subject`."""
    return {"Authorization": f"Bearer {issuer.mint(subject, roles=roles)}"}


@pytest.fixture
def alice(token_issuer: TestIssuer) -> dict[str, str]:
    """The headers of the customer alice, signed in."""
    return bearer(token_issuer, "alice")
