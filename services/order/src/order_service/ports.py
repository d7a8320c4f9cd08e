"""What the order service needs from its store and from the other services."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from order_service.domain import Order, OrderLine, Shortage


class ReservationStatus(StrEnum):
    """What the inventory did with an order's reservation."""

    RESERVED = "RESERVED"
    REJECTED = "REJECTED"
    RELEASED = "RELEASED"


@dataclass(frozen=True)
class Reservation:
    status: ReservationStatus
    shortages: tuple[Shortage, ...] = ()


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Store a new order; raise DuplicateIdempotencyKeyError if its key is taken in its
        `idempotency_scope`."""

    async def get(self, order_number: str) -> Order | None: ...

    async def get_by_idempotency_key(self, scope: str, key: str) -> Order | None:
        """The order that holds `key` in `scope` (exact, case-sensitive matches only)."""

    async def save_transition(self, order: Order, expected: Order) -> bool:
        """Write `order`'s status, release debt, shortages and Idempotency-Key, as the
        domain moved it, if the stored order still has the status and release debt of
        `expected` (the order as it was read); False if it had not."""

    async def newest(self, offset: int, limit: int) -> list[Order]:
        """Every order, newest first."""

    async def newest_of(self, owner: str, offset: int, limit: int) -> list[Order]:
        """The orders `owner` placed, newest first."""

    async def pending_since(self, cutoff: datetime, limit: int) -> list[Order]:
        """PENDING orders created before `cutoff`, oldest first."""

    async def cancelled_owing_release(self, limit: int) -> list[Order]:
        """CANCELLED orders whose stock has not gone back yet, oldest first."""


class Catalog(Protocol):
    async def prices(self, sku_codes: Sequence[str], *, fresh: bool = False) -> dict[str, Decimal]:
        """Catalog price per known SKU; unknown SKUs are absent.

        Unless `fresh`, a price may be a few seconds old (see adapters.price_cache).
        """


class Inventory(Protocol):
    async def reserve(self, order_number: str, lines: Sequence[OrderLine]) -> Reservation: ...

    async def release(self, order_number: str) -> None: ...

    async def reservation(self, order_number: str) -> Reservation | None: ...


class OrderOutcomes(Protocol):
    """Told where orders end up: for metrics, and whatever else wants to know."""

    def settled(self, order: Order, *, by_recovery: bool = False) -> None:
        """`order` reached CONFIRMED, REJECTED, FAILED or CANCELLED."""


class IgnoreOutcomes:
    def settled(self, order: Order, *, by_recovery: bool = False) -> None:
        pass
