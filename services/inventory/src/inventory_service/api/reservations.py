"""HTTP routes for stock reservations: how the order service takes and returns stock."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from inventory_service import service
from inventory_service.api.deps import Metrics, Reservations
from inventory_service.api.schemas import ReservationRequest, ReservationResponse
from inventory_service.domain import ReservationItem, ReservationStatus
from shopkit.errors import Problem

router = APIRouter(prefix="/api/inventory/reservations", tags=["reservations"])

OrderNumber = Annotated[UUID, Path(alias="orderNumber")]


@router.post(
    "",
    status_code=201,
    responses={409: {"description": "Some SKU is short (nothing was taken), or already released"}},
)
async def reserve_stock(
    body: ReservationRequest, reservations: Reservations, metrics: Metrics
) -> JSONResponse:
    """Take the stock of every item, all or nothing. A repeat answers the first outcome."""
    items = [ReservationItem(i.sku_code, i.quantity) for i in body.items]
    reservation = await service.reserve_stock(reservations, str(body.order_number), items)
    metrics.reservations.labels(
        "refused_released"
        if reservation.status is ReservationStatus.RELEASED
        else reservation.status.lower()
    ).inc()
    answer = ReservationResponse.of(reservation)
    if reservation.status is ReservationStatus.REJECTED:
        raise Problem(
            409,
            "insufficient-stock",
            "Insufficient stock",
            "Not enough stock for: "
            + ", ".join(s.sku_code for s in reservation.shortages)
            + ". Nothing was reserved.",
            orderNumber=reservation.order_number,
            shortages=[s.model_dump(by_alias=True) for s in answer.shortages],
        )
    if reservation.status is ReservationStatus.RELEASED:
        raise Problem(
            409,
            "reservation-released",
            "Reservation released",
            f"Order {reservation.order_number} was released; it can no longer take stock.",
            orderNumber=reservation.order_number,
        )
    return JSONResponse(answer.model_dump(mode="json", by_alias=True), status_code=201)


@router.get("/{orderNumber}")
async def get_reservation(
    order_number: OrderNumber, reservations: Reservations
) -> ReservationResponse:
    """The reservation of an order, whatever its status; 404 if none was ever asked for."""
    reservation = await service.find_reservation(reservations, str(order_number))
    if reservation is None:
        raise Problem(
            404,
            "reservation-not-found",
            "Reservation not found",
            f"No reservation for order {order_number}.",
        )
    return ReservationResponse.of(reservation)


@router.delete("/{orderNumber}")
async def release_stock(
    order_number: OrderNumber, reservations: Reservations, metrics: Metrics
) -> ReservationResponse:
    """Give the order's stock back, once. Safe to repeat, and safe before the reservation."""
    reservation = await service.release_stock(reservations, str(order_number))
    metrics.reservations.labels("released").inc()
    return ReservationResponse.of(reservation)
