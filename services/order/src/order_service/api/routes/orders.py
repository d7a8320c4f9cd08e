"""The orders resource: place, read, list and cancel orders.

Anyone may place an order; a guest's is read and cancelled with its secret. Who may see
which order is the domain's rule (Order.visible_to), enforced by the use cases.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from order_service import service
from order_service.api.deps import (
    AnyCaller,
    IdempotencyKey,
    OrderCaller,
    OrderingDep,
    OrderNumber,
    Page,
    SignedInCaller,
    Size,
)
from order_service.api.schemas import OrderRequest, OrderResponse, PlacedOrderResponse
from order_service.domain import (
    IdempotencyKeyReusedError,
    NotACustomerError,
    NotCancellableError,
    NothingOrderedError,
    OrderFailedError,
    OrderInProgressError,
    OrderNotFoundError,
    OutOfStockError,
    PriceChangedError,
    QuantityOverLimitError,
    RequestedLine,
    SignInRequiredError,
    UnknownSkusError,
)
from shopkit.openapi import raises
from shopkit.routing import ExactDecimalRoute

router = APIRouter(prefix="/api/order", tags=["order"], route_class=ExactDecimalRoute)


@router.post(
    "/create",
    status_code=201,
    response_model=PlacedOrderResponse,
    responses={
        201: {
            "headers": {
                "Location": {"description": "The order's URL", "schema": {"type": "string"}}
            },
            "links": {
                "GetOrder": {
                    "operationId": "get_order_api_order__orderNumber__get",
                    "parameters": {"orderNumber": "$response.body#/orderNumber"},
                },
                "CancelOrder": {
                    "operationId": "cancel_order_api_order__orderNumber__cancel_post",
                    "parameters": {"orderNumber": "$response.body#/orderNumber"},
                },
            },
        }
    },
    openapi_extra=raises(
        UnknownSkusError,
        QuantityOverLimitError,
        PriceChangedError,
        IdempotencyKeyReusedError,
        OutOfStockError,
        OrderInProgressError,
        NothingOrderedError,
        OrderFailedError,
    ),
)
async def create_order(
    body: OrderRequest,
    ordering: OrderingDep,
    caller: AnyCaller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Place an order at catalog prices; confirmed if and only if its stock was taken.

    A signed-in customer's order is theirs; a guest's answers its secret, this once."""
    lines = [RequestedLine(line.sku_code, line.quantity, line.price) for line in body.lines]
    placed = await service.place_order(ordering, caller, lines, idempotency_key)
    return JSONResponse(
        PlacedOrderResponse.placed(placed).model_dump(
            mode="json", by_alias=True, exclude_none=True
        ),
        status_code=201,
        headers={"Location": f"/api/order/{placed.order.order_number}"},
    )


@router.get("", openapi_extra=raises(NotACustomerError))
async def list_orders(
    ordering: OrderingDep, caller: SignedInCaller, page: Page = 0, size: Size = 20
) -> list[OrderResponse]:
    """The caller's own orders, newest first; every order for an admin."""
    found = await service.list_orders(ordering.orders, caller, page=page, size=size)
    return [OrderResponse.of(order) for order in found]


@router.get(
    "/{orderNumber}",
    openapi_extra=raises(SignInRequiredError, OrderNotFoundError),
    responses={
        200: {
            "links": {
                "CancelOrder": {
                    "operationId": "cancel_order_api_order__orderNumber__cancel_post",
                    "parameters": {"orderNumber": "$response.body#/orderNumber"},
                }
            }
        }
    },
)
async def get_order(
    order_number: OrderNumber, ordering: OrderingDep, caller: OrderCaller
) -> OrderResponse:
    """The order, to its owner, an admin, or the holder of its guest secret."""
    return OrderResponse.of(await service.get_order(ordering.orders, str(order_number), caller))


@router.post(
    "/{orderNumber}/cancel",
    openapi_extra=raises(SignInRequiredError, OrderNotFoundError, NotCancellableError),
)
async def cancel_order(
    order_number: OrderNumber, ordering: OrderingDep, caller: OrderCaller
) -> OrderResponse:
    """Cancel a confirmed order and return its stock; a second cancel is a no-op."""
    return OrderResponse.of(await service.cancel_order(ordering, str(order_number), caller))
