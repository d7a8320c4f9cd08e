"""The orders resource: place, read, list and cancel orders."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from order_service import service
from order_service.api.deps import IdempotencyKey, OrderingDep, OrderNumber, Page, Size
from order_service.api.schemas import OrderRequest, OrderResponse
from order_service.domain import RequestedLine
from shopkit.routing import ExactDecimalRoute

router = APIRouter(prefix="/api/order", tags=["order"], route_class=ExactDecimalRoute)


@router.post(
    "/create",
    status_code=201,
    response_model=OrderResponse,
    responses={
        409: {"description": "Out of stock (kept as REJECTED), or prices changed"},
        422: {"description": "Invalid body, unknown SKU, or Idempotency-Key reused"},
        503: {"description": "Catalog or inventory unavailable; nothing was ordered"},
    },
)
async def create_order(
    body: OrderRequest, ordering: OrderingDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Place an order at catalog prices; confirmed if and only if its stock was taken."""
    lines = [RequestedLine(line.sku_code, line.quantity, line.price) for line in body.lines]
    order = await service.place_order(ordering, lines, idempotency_key)
    return JSONResponse(
        OrderResponse.of(order).model_dump(mode="json", by_alias=True),
        status_code=201,
        headers={"Location": f"/api/order/{order.order_number}"},
    )


@router.get("")
async def list_orders(
    ordering: OrderingDep, page: Page = 0, size: Size = 20
) -> list[OrderResponse]:
    """Orders, newest first."""
    found = await service.list_orders(ordering.orders, page=page, size=size)
    return [OrderResponse.of(order) for order in found]


@router.get("/{orderNumber}")
async def get_order(order_number: OrderNumber, ordering: OrderingDep) -> OrderResponse:
    return OrderResponse.of(await service.get_order(ordering.orders, str(order_number)))


@router.post("/{orderNumber}/cancel")
async def cancel_order(order_number: OrderNumber, ordering: OrderingDep) -> OrderResponse:
    """Cancel a confirmed order and return its stock; a second cancel is a no-op."""
    return OrderResponse.of(await service.cancel_order(ordering, str(order_number)))
