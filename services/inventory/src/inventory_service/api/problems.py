"""The inventory's problem catalogue: how each domain error is answered."""

from collections.abc import Mapping
from typing import Any

from inventory_service.domain import (
    InsufficientStockError,
    ReservationNotFoundError,
    ReservationReleasedError,
)
from shopkit.errors import ProblemCatalogue, ProblemType
from shopkit.sql import DATABASE_UNAVAILABLE


def _shortages(error: InsufficientStockError) -> Mapping[str, Any]:
    reservation = error.reservation
    return {
        "orderNumber": reservation.order_number,
        "shortages": [
            {"skuCode": s.sku_code, "requested": s.requested, "available": s.available}
            for s in reservation.shortages
        ],
    }


def _released(error: ReservationReleasedError) -> Mapping[str, Any]:
    return {"orderNumber": error.reservation.order_number}


PROBLEMS: ProblemCatalogue = [
    DATABASE_UNAVAILABLE,
    ProblemType(
        InsufficientStockError,
        409,
        "insufficient-stock",
        "Insufficient stock",
        extensions=_shortages,
    ),
    ProblemType(
        ReservationReleasedError,
        409,
        "reservation-released",
        "Reservation released",
        extensions=_released,
    ),
    ProblemType(ReservationNotFoundError, 404, "reservation-not-found", "Reservation not found"),
]
