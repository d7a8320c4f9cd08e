"""The order domain: orders, their lines, and the states an order moves through."""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    """Written, its stock not yet settled. Never answered as final."""
    CONFIRMED = "CONFIRMED"
    """Its stock is reserved: confirmed if and only if the stock was taken."""
    REJECTED = "REJECTED"
    """Out of stock; nothing was taken. Kept for audit."""
    FAILED = "FAILED"
    """Inventory could not be reached; nothing stays taken."""
    CANCELLED = "CANCELLED"
    """Was confirmed; its stock went back."""


@dataclass(frozen=True)
class OrderLine:
    sku_code: str
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class Shortage:
    sku_code: str
    requested: int
    available: int


@dataclass(frozen=True)
class Order:
    order_number: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    created_at: datetime
    fingerprint: str
    idempotency_key: str | None = None
    shortages: tuple[Shortage, ...] = ()
    must_release: bool = False

    @property
    def total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal("0.00"))

    def settled(self, status: OrderStatus, shortages: tuple[Shortage, ...] = ()) -> "Order":
        return replace(self, status=status, shortages=shortages)


def new_order_number() -> str:
    return str(uuid.uuid4())


def merge_lines(lines: Iterable[OrderLine]) -> tuple[OrderLine, ...]:
    """One line per SKU (quantities summed), in SKU order.

    Lines for the same SKU must carry the same price; the API refuses them otherwise.
    """
    merged: dict[str, OrderLine] = {}
    for line in lines:
        earlier = merged.get(line.sku_code)
        if earlier is not None and earlier.price != line.price:
            raise ValueError(f"two prices for {line.sku_code}: {earlier.price} and {line.price}")
        quantity = line.quantity + (earlier.quantity if earlier else 0)
        merged[line.sku_code] = OrderLine(line.sku_code, quantity, line.price)
    return tuple(merged[sku] for sku in sorted(merged))


def fingerprint(lines: Iterable[OrderLine]) -> str:
    """The same request, whatever its line order or duplicates, has the same fingerprint."""
    canonical = ";".join(
        f"{line.sku_code}:{line.quantity}:{line.price.normalize()}" for line in merge_lines(lines)
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class OrderNotFoundError(Exception):
    def __init__(self, order_number: str) -> None:
        super().__init__(f"no order {order_number}")
        self.order_number = order_number


class UnknownSkusError(Exception):
    def __init__(self, sku_codes: list[str]) -> None:
        super().__init__("not in the catalog: " + ", ".join(sku_codes))
        self.sku_codes = sku_codes


@dataclass(frozen=True)
class PriceChange:
    sku_code: str
    requested: Decimal
    current: Decimal


class PriceChangedError(Exception):
    def __init__(self, changes: list[PriceChange]) -> None:
        super().__init__("the price changed for: " + ", ".join(c.sku_code for c in changes))
        self.changes = changes


class NotCancellableError(Exception):
    def __init__(self, order: Order) -> None:
        super().__init__(f"order {order.order_number} is {order.status}; only CONFIRMED cancels")
        self.order = order


class IdempotencyKeyReusedError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(f"Idempotency-Key {key!r} was used with a different request")
        self.key = key


class DuplicateIdempotencyKeyError(Exception):
    """A concurrent request with the same Idempotency-Key stored its order first."""


class DependencyUnavailableError(Exception):
    """The catalog or the inventory could not answer; the request may succeed later."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is unavailable: {reason}")
        self.service = service
