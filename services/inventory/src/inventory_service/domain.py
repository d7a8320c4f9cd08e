"""The inventory's domain: how much of each SKU is in stock."""

from collections.abc import Iterable
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


def merge_items(items: Iterable[ReservationItem]) -> tuple[ReservationItem, ...]:
    """One item per SKU, quantities summed, in SKU order: the order rows are locked in,
    so that concurrent multi-SKU reservations never deadlock."""
    totals: dict[str, int] = {}
    for item in items:
        totals[item.sku_code] = totals.get(item.sku_code, 0) + item.quantity
    return tuple(ReservationItem(sku, quantity) for sku, quantity in sorted(totals.items()))
