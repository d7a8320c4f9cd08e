"""HTTP routes of the order service."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from order_service import service
from order_service.api.deps import IdempotencyKey, OrderingDep, Page, Size
from order_service.api.schemas import OrderRequest, OrderResponse
from order_service.domain import (
    DependencyUnavailableError,
    IdempotencyKeyReusedError,
    NotCancellableError,
    Order,
    OrderLine,
    OrderNotFoundError,
    OrderStatus,
    PriceChangedError,
    UnknownSkusError,
)
from shopkit.errors import Problem
from shopkit.routing import ExactDecimalRoute

router = APIRouter(prefix="/api/order", tags=["order"], route_class=ExactDecimalRoute)

OrderNumber = Annotated[UUID, Path(alias="orderNumber")]
RETRY_AFTER_SECONDS = "2"


def _unavailable(detail: str) -> Problem:
    return Problem(
        503,
        "service-unavailable",
        "Service unavailable",
        detail,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def _answer(order: Order) -> JSONResponse:
    """The HTTP answer for where a placed order ended up."""
    if order.status is OrderStatus.REJECTED:
        raise Problem(
            409,
            "insufficient-stock",
            "Insufficient stock",
            "Not enough stock for: " + ", ".join(s.sku_code for s in order.shortages) + ".",
            orderNumber=order.order_number,
            shortages=[
                {"skuCode": s.sku_code, "requested": s.requested, "available": s.available}
                for s in order.shortages
            ],
        )
    if order.status is OrderStatus.FAILED:
        raise _unavailable("Inventory could not be reached; nothing was ordered. Try again.")
    if order.status is OrderStatus.PENDING:
        raise Problem(
            409,
            "request-in-progress",
            "Request in progress",
            "An order with this Idempotency-Key is still being placed. Try again shortly.",
            headers={"Retry-After": "1"},
            orderNumber=order.order_number,
        )
    return JSONResponse(
        OrderResponse.of(order).model_dump(mode="json", by_alias=True),
        status_code=201,
        headers={"Location": f"/api/order/{order.order_number}"},
    )


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
    lines = [
        OrderLine(line.sku_code, line.quantity, line.price)
        for line in body.order_line_items_dto_list
    ]
    try:
        order = await service.place_order(ordering, lines, idempotency_key)
    except UnknownSkusError as exc:
        raise Problem(
            422, "unknown-sku", "Unknown SKU", str(exc).capitalize() + ".", skuCodes=exc.sku_codes
        ) from exc
    except PriceChangedError as exc:
        raise Problem(
            409,
            "price-changed",
            "Price changed",
            str(exc).capitalize() + ".",
            changes=[
                {
                    "skuCode": c.sku_code,
                    "requested": float(c.requested),
                    "current": float(c.current),
                }
                for c in exc.changes
            ],
        ) from exc
    except IdempotencyKeyReusedError as exc:
        raise Problem(422, "idempotency-key-reused", "Idempotency-Key reused", str(exc)) from exc
    except DependencyUnavailableError as exc:
        raise _unavailable(
            f"{exc.service} is unavailable; nothing was ordered. Try again."
        ) from exc
    return _answer(order)


@router.get("")
async def list_orders(
    ordering: OrderingDep, page: Page = 0, size: Size = 20
) -> list[OrderResponse]:
    """Orders, newest first."""
    found = await service.list_orders(ordering.orders, page=page, size=size)
    return [OrderResponse.of(order) for order in found]


@router.get("/{orderNumber}")
async def get_order(order_number: OrderNumber, ordering: OrderingDep) -> OrderResponse:
    try:
        return OrderResponse.of(await service.get_order(ordering.orders, str(order_number)))
    except OrderNotFoundError as exc:
        raise Problem(
            404, "order-not-found", "Order not found", str(exc).capitalize() + "."
        ) from exc


@router.post("/{orderNumber}/cancel")
async def cancel_order(order_number: OrderNumber, ordering: OrderingDep) -> OrderResponse:
    """Cancel a confirmed order and return its stock; a second cancel is a no-op."""
    try:
        return OrderResponse.of(await service.cancel_order(ordering, str(order_number)))
    except OrderNotFoundError as exc:
        raise Problem(
            404, "order-not-found", "Order not found", str(exc).capitalize() + "."
        ) from exc
    except NotCancellableError as exc:
        raise Problem(
            409,
            "order-not-cancellable",
            "Order not cancellable",
            str(exc),
            orderNumber=exc.order.order_number,
            orderStatus=exc.order.status,
        ) from exc
    except DependencyUnavailableError as exc:
        raise _unavailable(f"{exc.service} is unavailable; the order is unchanged.") from exc
