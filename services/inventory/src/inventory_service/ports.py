"""What the inventory's use cases need: its stores, and someone told how reservations end."""

from collections.abc import Sequence
from typing import Protocol

from inventory_service.domain import Reservation, ReservationItem


class StockRepository(Protocol):
    async def quantities(self, sku_codes: Sequence[str]) -> dict[str, int]:
        """Quantity per known SKU among `sku_codes`; unknown SKUs are absent."""

    async def set_quantity(self, sku_code: str, quantity: int) -> None:
        """Set the stock of `sku_code`, creating the SKU if it is new."""

    async def count(self) -> int:
        """How many SKUs the inventory knows."""

    async def count_below(self, threshold: int) -> int:
        """How many SKUs have fewer than `threshold` units."""


class ReservationRepository(Protocol):
    async def reserve(self, order_number: str, items: Sequence[ReservationItem]) -> Reservation:
        """Take every item's stock in one transaction, or none of it.

        `items` come merged and in SKU order. The first outcome for an order number is
        kept: a repeat returns it and takes nothing more.
        """

    async def release(self, order_number: str) -> Reservation:
        """Give a reserved order's stock back exactly once.

        Releasing an unknown order number records it as released, so a reservation that
        arrives late for it takes nothing.
        """

    async def get(self, order_number: str) -> Reservation | None: ...


class ReservationOutcomes(Protocol):
    """Told how each reservation and release request ended: for metrics, and whatever else
    wants to know. Every request is told, repeats included."""

    def reservation_answered(self, reservation: Reservation) -> None:
        """A reservation request ended as `reservation`: RESERVED (stock taken), REJECTED
        (some SKU short) or RELEASED (refused: the order had been released)."""

    def release_answered(self, reservation: Reservation) -> None:
        """A release request was answered; `reservation` is what the order ended as."""


class IgnoreOutcomes:
    def reservation_answered(self, reservation: Reservation) -> None:
        pass

    def release_answered(self, reservation: Reservation) -> None:
        pass
