"""The order domain: orders, their lines, the states an order moves through, who may see
them, and its errors."""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from shopkit.reservations import MAX_LINE_QUANTITY


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


TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset(
        {OrderStatus.CONFIRMED, OrderStatus.REJECTED, OrderStatus.FAILED}
    ),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.CANCELLED}),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.FAILED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
"""Every status an order may move to from each status; nothing else ever happens to it."""


class Line(Protocol):
    """A line as merging and fingerprinting read it: requested (maybe unpriced) or placed."""

    @property
    def sku_code(self) -> str: ...

    @property
    def quantity(self) -> int: ...

    @property
    def price(self) -> Decimal | None: ...


@dataclass(frozen=True)
class RequestedLine:
    """A line as the client asked for it: at the price it was shown, or (None) the catalog's."""

    sku_code: str
    quantity: int
    price: Decimal | None = None


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


GUEST_SCOPE = "guest"
"""The one Idempotency-Key scope all anonymous callers share."""
MAX_SUBJECT_LENGTH = 255
"""The longest owner subject an order records."""
GUEST_SECRET_BYTES = 32


@dataclass(frozen=True)
class Caller:
    """Who asks, as the order rules see them: a subject (None when anonymous), whether an
    admin, whether a service acting for itself, and the guest secret they sent, if any."""

    subject: str | None = None
    is_admin: bool = False
    is_service: bool = False
    order_secret: str | None = None

    @property
    def idempotency_scope(self) -> str:
        """Where this caller's Idempotency-Keys live: another caller's key is another key."""
        return idempotency_scope(self.subject)

    def holds_secret(self, digest: str | None) -> bool:
        """Whether the secret this caller sent is the one `digest` was made of (in constant
        time: how long a comparison takes tells nothing of the secret)."""
        if digest is None or self.order_secret is None:
            return False
        return hmac.compare_digest(secret_digest(self.order_secret).encode(), digest.encode())


def idempotency_scope(owner: str | None) -> str:
    # Prefixed, so no subject can ever name the guests' scope.
    return GUEST_SCOPE if owner is None else f"sub:{owner}"


def new_guest_secret() -> str:
    """The secret that alone lets its holder read or cancel a guest order (url-safe)."""
    return secrets.token_urlsafe(GUEST_SECRET_BYTES)


def secret_digest(secret: str) -> str:
    """What is stored of a guest secret. SHA-256 is enough: 256 random bits need no slow
    hash, nobody can guess them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def ensure_may_ask_for_an_order(caller: Caller) -> None:
    """An anonymous caller without a secret has nothing an order could be shown for."""
    if caller.subject is None and caller.order_secret is None:
        raise SignInRequiredError


def listed_owner(caller: Caller) -> str | None:
    """Whose orders `caller` lists: their own (their subject), or every order (None) for an
    admin. A service acting for itself is no customer, and an anonymous caller no one."""
    if caller.is_admin:
        return None
    if caller.subject is None:
        raise SignInRequiredError
    if caller.is_service:
        raise NotACustomerError
    return caller.subject


@dataclass(frozen=True)
class Order:
    order_number: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    created_at: datetime
    fingerprint: str
    idempotency_key: str | None = None
    shortages: tuple[Shortage, ...] = ()
    owner: str | None = None
    """The subject of the signed-in caller who placed it; None for a guest order."""
    guest_secret_digest: str | None = None
    must_release: bool = False
    """Its reservation is owed a release: written before the release is sent, so a crash
    or a lost answer leaves the debt on record for the recovery loop. A PENDING order owing
    a release can only become FAILED; a CANCELLED one is done once the stock went back."""

    @property
    def total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal("0.00"))

    @property
    def idempotency_scope(self) -> str:
        return idempotency_scope(self.owner)

    def visible_to(self, caller: Caller) -> bool:
        """Its owner, an admin, or whoever holds its guest secret may read or cancel it."""
        return (
            caller.is_admin
            or (self.owner is not None and caller.subject == self.owner)
            or caller.holds_secret(self.guest_secret_digest)
        )

    def idempotency_key_expired(self, now: datetime, kept_for: timedelta) -> bool:
        """Its Idempotency-Key is kept `kept_for`; past that, the key places a new order."""
        return self.idempotency_key is not None and now - self.created_at >= kept_for

    def forget_idempotency_key(self) -> "Order":
        return replace(self, idempotency_key=None)

    def confirm(self) -> "Order":
        """Its stock was taken."""
        return self._moved_to(OrderStatus.CONFIRMED)

    def reject(self, shortages: Iterable[Shortage]) -> "Order":
        """Out of stock: kept, with what was short."""
        return replace(self._moved_to(OrderStatus.REJECTED), shortages=tuple(shortages))

    def fail(self) -> "Order":
        """Nothing stays taken. The attempt gives its Idempotency-Key back, so that the
        client's retry places a new order."""
        return replace(self._moved_to(OrderStatus.FAILED), idempotency_key=None)

    def cancel(self) -> "Order":
        """Only a CONFIRMED order cancels; it then owes its stock back."""
        if OrderStatus.CANCELLED not in TRANSITIONS[self.status]:
            raise NotCancellableError(self)
        return replace(self, status=OrderStatus.CANCELLED, must_release=True)

    def owe_release(self) -> "Order":
        """A PENDING order whose reservation may have landed is to be released: from now on
        it can only fail, so no one confirms stock that is about to go back. Nothing will be
        ordered by it, so it gives its Idempotency-Key back now, not once the release has
        landed: the client's retry places a new order even while inventory is unreachable."""
        if self.status is not OrderStatus.PENDING:
            raise IllegalTransitionError(self, self.status, "only a PENDING order owes a release")
        return replace(self, must_release=True, idempotency_key=None)

    @property
    def failing(self) -> bool:
        """PENDING, but owing a release: it will become FAILED, whatever happens."""
        return self.status is OrderStatus.PENDING and self.must_release

    def stock_returned(self) -> "Order":
        """A CANCELLED order's stock went back: it owes nothing more."""
        if self.status is not OrderStatus.CANCELLED:
            raise IllegalTransitionError(self, self.status, "only a CANCELLED order returns stock")
        return replace(self, must_release=False)

    def _moved_to(self, status: OrderStatus) -> "Order":
        if status not in TRANSITIONS[self.status]:
            raise IllegalTransitionError(self, status)
        if self.must_release and status is not OrderStatus.FAILED:
            raise IllegalTransitionError(
                self, status, f"order {self.order_number} owes a release; it can only fail"
            )
        return replace(self, status=status)


def new_order_number() -> str:
    return str(uuid.uuid4())


def merge_lines(lines: Iterable[Line]) -> tuple[RequestedLine, ...]:
    """One line per SKU (quantities summed), in SKU order.

    Lines for the same SKU must carry the same price, or all none; the API refuses them
    otherwise. Raises QuantityOverLimitError when a SKU's lines add up to more than one
    line of the reservation contract may take.
    """
    merged: dict[str, RequestedLine] = {}
    for line in lines:
        earlier = merged.get(line.sku_code)
        if earlier is not None and earlier.price != line.price:
            raise ValueError(f"two prices for {line.sku_code}: {earlier.price} and {line.price}")
        quantity = line.quantity + (earlier.quantity if earlier else 0)
        merged[line.sku_code] = RequestedLine(line.sku_code, quantity, line.price)
    over = {sku: line.quantity for sku, line in merged.items() if line.quantity > MAX_LINE_QUANTITY}
    if over:
        raise QuantityOverLimitError(over)
    return tuple(merged[sku] for sku in sorted(merged))


def _price_mark(price: Decimal | None) -> str:
    return "catalog" if price is None else str(price.normalize())


def fingerprint(lines: Iterable[Line]) -> str:
    """The same request, whatever its line order or duplicates, has the same fingerprint;
    a line without a price differs from any line with one."""
    canonical = ";".join(
        f"{line.sku_code}:{line.quantity}:{_price_mark(line.price)}" for line in merge_lines(lines)
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class OrderNotFoundError(Exception):
    """No such order, or none the caller may see: the two are told apart to no one."""

    def __init__(self, order_number: str) -> None:
        super().__init__(f"no order {order_number}")
        self.order_number = order_number


class SignInRequiredError(Exception):
    """An anonymous caller without a guest secret asked for an order, or for the list."""


class NotACustomerError(Exception):
    """A service acting for itself (no admin) asked for the list of orders: it has none."""


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


class IllegalTransitionError(Exception):
    """The order's status does not allow the move asked of it (see TRANSITIONS)."""

    def __init__(self, order: Order, status: OrderStatus, message: str | None = None) -> None:
        super().__init__(
            message or f"order {order.order_number} is {order.status}; it cannot become {status}"
        )
        self.order = order


class NotCancellableError(IllegalTransitionError):
    def __init__(self, order: Order) -> None:
        super().__init__(
            order,
            OrderStatus.CANCELLED,
            f"order {order.order_number} is {order.status}; only CONFIRMED cancels",
        )


class OutOfStockError(Exception):
    """The order was kept REJECTED: some SKU was short, and nothing was taken."""

    def __init__(self, order: Order) -> None:
        super().__init__("not enough stock for: " + ", ".join(s.sku_code for s in order.shortages))
        self.order = order


class OrderInProgressError(Exception):
    """A repeat of a request whose order is still PENDING after the wait for it."""

    def __init__(self, order: Order) -> None:
        super().__init__(f"order {order.order_number} is still being placed")
        self.order = order


class OrderFailedError(Exception):
    """The order was FAILED: inventory could not be reached, and nothing stays taken."""

    def __init__(self, order: Order) -> None:
        super().__init__(f"order {order.order_number} failed: inventory could not be reached")
        self.order = order


class QuantityOverLimitError(Exception):
    """Lines of one SKU add up to more than an order may take of it: a client error,
    refused before anything is stored or reserved."""

    def __init__(self, quantities: Mapping[str, int]) -> None:
        listed = ", ".join(f"{sku} ({quantity})" for sku, quantity in sorted(quantities.items()))
        super().__init__(f"at most {MAX_LINE_QUANTITY} of a SKU per order, not: {listed}")
        self.quantities = dict(sorted(quantities.items()))
        self.limit = MAX_LINE_QUANTITY


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
        self.reason = reason


class RequestNotSentError(DependencyUnavailableError):
    """The call could not even be made (no access token): it cannot have changed anything."""


class NothingOrderedError(DependencyUnavailableError):
    """Placing an order needed a service that could not answer; nothing was ordered."""
