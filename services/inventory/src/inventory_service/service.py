"""Inventory use cases."""

from collections.abc import Sequence

from inventory_service.domain import (
    MAX_QUANTITY,
    Reservation,
    ReservationItem,
    ReservationNotFoundError,
    StockLevel,
    merge_items,
)
from inventory_service.ports import ReservationOutcomes, ReservationRepository, StockRepository


async def check_stock(stock: StockRepository, sku_codes: Sequence[str]) -> list[StockLevel]:
    """One level per requested SKU, in request order; an unknown SKU has none in stock."""
    known = await stock.quantities(sku_codes)
    return [StockLevel(code, known.get(code, 0)) for code in sku_codes]


async def set_stock(stock: StockRepository, sku_code: str, quantity: int) -> StockLevel:
    """Set how many units of `sku_code` are in stock."""
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ValueError(f"quantity must be between 0 and {MAX_QUANTITY}, not {quantity}")
    await stock.set_quantity(sku_code, quantity)
    return StockLevel(sku_code, quantity)


async def reserve_stock(
    reservations: ReservationRepository,
    outcomes: ReservationOutcomes,
    order_number: str,
    items: Sequence[ReservationItem],
) -> Reservation:
    """Take the stock of every item for `order_number`, all or nothing, once.

    Returns the RESERVED reservation; raises InsufficientStockError or
    ReservationReleasedError, carrying the reservation, when it took nothing.
    """
    merged = merge_items(items)
    if not merged or any(item.quantity <= 0 for item in merged):
        raise ValueError("a reservation takes at least one unit of at least one SKU")
    reservation = await reservations.reserve(order_number, merged)
    outcomes.reservation_answered(reservation)
    return reservation.ensure_taken()


async def release_stock(
    reservations: ReservationRepository, outcomes: ReservationOutcomes, order_number: str
) -> Reservation:
    """Give the stock of `order_number` back, once, however often it is asked."""
    reservation = await reservations.release(order_number)
    outcomes.release_answered(reservation)
    return reservation


async def find_reservation(reservations: ReservationRepository, order_number: str) -> Reservation:
    """The reservation of `order_number`, whatever its status; raises ReservationNotFoundError
    if it was never reserved nor released."""
    reservation = await reservations.get(order_number)
    if reservation is None:
        raise ReservationNotFoundError(order_number)
    return reservation
