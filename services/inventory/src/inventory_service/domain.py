"""The inventory's domain: how much of each SKU is in stock, and the reservations taking it."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

MAX_QUANTITY = 1_000_000_000


@dataclass(frozen=True)
class StockLevel:
    sku_code: str
    quantity: int

    @property
    def is_in_stock(self) -> bool:
        return self.quantity > 0


class ReservationStatus(StrEnum):
    RESERVED = "RESERVED"
    """The stock is taken for the order."""
    REJECTED = "REJECTED"
    """Some SKU was short; nothing was taken."""
    RELEASED = "RELEASED"
    """The stock went back (or was never taken: a release may arrive before its reservation)."""


RESERVATION_TRANSITIONS: Mapping[ReservationStatus | None, frozenset[ReservationStatus]] = {
    # None: nothing was asked for the order number yet. The first reservation records
    # RESERVED or REJECTED; a release that arrives first records RELEASED, a tombstone that
    # makes a late reservation take nothing.
    None: frozenset(
        {ReservationStatus.RESERVED, ReservationStatus.REJECTED, ReservationStatus.RELEASED}
    ),
    ReservationStatus.RESERVED: frozenset({ReservationStatus.RELEASED}),
    ReservationStatus.REJECTED: frozenset(),
    ReservationStatus.RELEASED: frozenset(),
}
"""Every status an order number's reservation may move to; nothing else ever happens to it."""

RETURNS_STOCK_WHEN_RELEASED: frozenset[ReservationStatus] = frozenset(
    status
    for status, successors in RESERVATION_TRANSITIONS.items()
    if status is not None and ReservationStatus.RELEASED in successors
)
"""The statuses a release moves to RELEASED, giving the stock back; from any other it is
a no-op, so the stock returns exactly once."""


@dataclass(frozen=True, order=True)
class ReservationItem:
    sku_code: str
    quantity: int


@dataclass(frozen=True)
class Shortage:
    sku_code: str
    requested: int
    available: int


@dataclass(frozen=True)
class Reservation:
    order_number: str
    status: ReservationStatus
    items: tuple[ReservationItem, ...]
    shortages: tuple[Shortage, ...] = ()

    def ensure_taken(self) -> "Reservation":
        """This reservation if it took its stock; otherwise the error that says why not."""
        if self.status is ReservationStatus.REJECTED:
            raise InsufficientStockError(self)
        if self.status is ReservationStatus.RELEASED:
            raise ReservationReleasedError(self)
        return self


class ReservationRefusedError(Exception):
    """A reservation took no stock; `reservation` is what its order number ended as."""

    def __init__(self, reservation: Reservation, reason: str) -> None:
        super().__init__(reason)
        self.reservation = reservation


class InsufficientStockError(ReservationRefusedError):
    """Some SKU was short: the reservation is REJECTED and took nothing."""

    def __init__(self, reservation: Reservation) -> None:
        short = ", ".join(shortage.sku_code for shortage in reservation.shortages)
        super().__init__(reservation, f"not enough stock for: {short}. Nothing was reserved")


class ReservationReleasedError(ReservationRefusedError):
    """The order was released first (maybe before it was ever reserved): it takes nothing."""

    def __init__(self, reservation: Reservation) -> None:
        super().__init__(
            reservation,
            f"order {reservation.order_number} was released; it can no longer take stock",
        )


class ReservationNotFoundError(Exception):
    """No reservation or release was ever asked for this order number."""

    def __init__(self, order_number: str) -> None:
        super().__init__(f"no reservation for order {order_number}")
        self.order_number = order_number


def merge_items(items: Iterable[ReservationItem]) -> tuple[ReservationItem, ...]:
    """One item per SKU, quantities summed, in SKU order: the order rows are locked in,
    so that concurrent multi-SKU reservations never deadlock."""
    totals: dict[str, int] = {}
    for item in items:
        totals[item.sku_code] = totals.get(item.sku_code, 0) + item.quantity
    return tuple(ReservationItem(sku, quantity) for sku, quantity in sorted(totals.items()))
