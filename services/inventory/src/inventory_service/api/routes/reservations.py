"""HTTP routes for stock reservations: how the order service takes and returns stock.

Internal: only a service's own client-credentials token with the scope ``inventory:reserve``
(the order service's) is let in, never a user token, an admin's included. People order
through the order service, which decides whose order it is; a person who could call these
directly could take stock off sale, or release the stock of an order someone else placed.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from inventory_service import service
from inventory_service.api.deps import Dependencies, OrderNumber
from inventory_service.api.schemas import ReservationRequest, ReservationResponse
from inventory_service.domain import (
    InsufficientStockError,
    ReservationItem,
    ReservationNotFoundError,
    ReservationReleasedError,
)
from shopkit.auth import service_scope
from shopkit.openapi import raises
from shopkit.routing import StrictJsonRoute

RESERVE_SCOPE = "inventory:reserve"

router = APIRouter(
    prefix="/api/inventory/reservations",
    tags=["reservations"],
    dependencies=[service_scope(RESERVE_SCOPE)],
    route_class=StrictJsonRoute,
)


@router.post(
    "",
    status_code=201,
    openapi_extra=raises(InsufficientStockError, ReservationReleasedError),
)
async def reserve_stock(body: ReservationRequest, dependencies: Dependencies) -> JSONResponse:
    """Take the stock of every item, all or nothing. A repeat answers the first outcome."""
    items = [ReservationItem(i.sku_code, i.quantity) for i in body.items]
    reservation = await service.reserve_stock(
        dependencies.reservations, dependencies.outcomes, str(body.order_number), items
    )
    answer = ReservationResponse.of(reservation)
    return JSONResponse(answer.model_dump(mode="json", by_alias=True), status_code=201)


@router.get("/{orderNumber}", openapi_extra=raises(ReservationNotFoundError))
async def get_reservation(
    order_number: OrderNumber, dependencies: Dependencies
) -> ReservationResponse:
    """The reservation of an order, whatever its status; 404 if none was ever asked for."""
    reservation = await service.find_reservation(dependencies.reservations, str(order_number))
    return ReservationResponse.of(reservation)


@router.delete("/{orderNumber}")
async def release_stock(
    order_number: OrderNumber, dependencies: Dependencies
) -> ReservationResponse:
    """Give the order's stock back, once. Safe to repeat, and safe before the reservation."""
    reservation = await service.release_stock(
        dependencies.reservations, dependencies.outcomes, str(order_number)
    )
    return ReservationResponse.of(reservation)
