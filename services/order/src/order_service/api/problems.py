"""The order service's problem catalogue: how each domain error is answered."""

from collections.abc import Mapping
from typing import Any

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
    SignInRequiredError,
    UnknownSkusError,
)
from shopkit.errors import ProblemType
from shopkit.sql import DATABASE_UNAVAILABLE

RETRY_UNAVAILABLE = {"Retry-After": "2"}
RETRY_IN_PROGRESS = {"Retry-After": "1"}


def _price_changes(exc: PriceChangedError) -> Mapping[str, Any]:
    return {
        "changes": [
            {"skuCode": c.sku_code, "requested": float(c.requested), "current": float(c.current)}
            for c in exc.changes
        ]
    }


def _shortages(exc: OutOfStockError) -> Mapping[str, Any]:
    return {
        "orderNumber": exc.order.order_number,
        "shortages": [
            {"skuCode": s.sku_code, "requested": s.requested, "available": s.available}
            for s in exc.order.shortages
        ],
    }


PROBLEMS: list[ProblemType[Any]] = [
    DATABASE_UNAVAILABLE,
    ProblemType(
        UnknownSkusError,
        422,
        "unknown-sku",
        "Unknown SKU",
        extensions=lambda exc: {"skuCodes": exc.sku_codes},
    ),
    ProblemType(
        QuantityOverLimitError,
        422,
        "quantity-over-limit",
        "Quantity over limit",
        extensions=lambda exc: {
            "limit": exc.limit,
            "lines": [{"skuCode": s, "quantity": q} for s, q in exc.quantities.items()],
        },
    ),
    ProblemType(
        PriceChangedError,
        409,
        "price-changed",
        "Price changed",
        extensions=_price_changes,
    ),
    ProblemType(
        IdempotencyKeyReusedError,
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        detail=str,
    ),
    ProblemType(
        NothingOrderedError,
        503,
        "service-unavailable",
        "Service unavailable",
        detail=lambda exc: f"{exc.service} is unavailable; nothing was ordered. Try again.",
        headers=RETRY_UNAVAILABLE,
    ),
    ProblemType(
        OrderFailedError,
        503,
        "service-unavailable",
        "Service unavailable",
        detail=lambda exc: "Inventory could not be reached; nothing was ordered. Try again.",
        headers=RETRY_UNAVAILABLE,
    ),
    ProblemType(
        OutOfStockError,
        409,
        "insufficient-stock",
        "Insufficient stock",
        extensions=_shortages,
    ),
    ProblemType(
        OrderInProgressError,
        409,
        "request-in-progress",
        "Request in progress",
        detail=lambda exc: (
            "An order with this Idempotency-Key is still being placed. Try again shortly."
        ),
        extensions=lambda exc: {"orderNumber": exc.order.order_number},
        headers=RETRY_IN_PROGRESS,
    ),
    ProblemType(
        SignInRequiredError,
        401,
        "unauthenticated",
        "Unauthenticated",
        detail=lambda exc: (
            "Sign in (Authorization: Bearer), or send a guest order's secret in Order-Secret."
        ),
        headers={"WWW-Authenticate": "Bearer"},
    ),
    ProblemType(
        NotACustomerError,
        403,
        "forbidden",
        "Forbidden",
        detail=lambda exc: "Only customers and admins list orders; a service has none.",
        headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
    ),
    ProblemType(
        OrderNotFoundError,
        404,
        "order-not-found",
        "Order not found",
    ),
    ProblemType(
        NotCancellableError,
        409,
        "order-not-cancellable",
        "Order not cancellable",
        detail=str,
        extensions=lambda exc: {
            "orderNumber": exc.order.order_number,
            "orderStatus": exc.order.status,
        },
    ),
]
"""Every domain error the order API answers, and how."""
