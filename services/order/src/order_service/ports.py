"""What the order service needs from its store and from the other services."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from order_service.domain import Order, OrderLine, OrderStatus, Shortage

ReservationStatus = Literal["RESERVED", "REJECTED", "RELEASED"]


@dataclass(frozen=True)
class Reservation:
    status: ReservationStatus
    shortages: tuple[Shortage, ...] = ()


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Store a new order; raise DuplicateIdempotencyKeyError if its key is taken."""

    async def get(self, order_number: str) -> Order | None: ...

    async def get_by_idempotency_key(self, key: str) -> Order | None: ...

    async def settle(
        self,
        order_number: str,
        expected: OrderStatus,
        status: OrderStatus,
        shortages: Sequence[Shortage] = (),
    ) -> bool:
        """Move the order from `expected` to `status`; False if it was not in `expected`.

        A FAILED order gives its Idempotency-Key back, so a retry places a new order.
        """

    async def mark_must_release(self, order_number: str) -> None:
        """Remember that the order's stock must be released before it can be failed."""

    async def newest(self, offset: int, limit: int) -> list[Order]: ...

    async def pending_since(self, cutoff: datetime, limit: int) -> list[Order]:
        """PENDING orders created before `cutoff`, oldest first."""


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
