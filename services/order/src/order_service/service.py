"""Order use cases: the saga that confirms an order if and only if its stock was taken, and
who may read, list or cancel an order."""

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from order_service.domain import (
    Caller,
    DependencyUnavailableError,
    DuplicateIdempotencyKeyError,
    IdempotencyKeyReusedError,
    Line,
    NothingOrderedError,
    Order,
    OrderFailedError,
    OrderInProgressError,
    OrderLine,
    OrderNotFoundError,
    OrderStatus,
    OutOfStockError,
    PriceChange,
    PriceChangedError,
    RequestedLine,
    RequestNotSentError,
    UnknownSkusError,
    ensure_may_ask_for_an_order,
    fingerprint,
    listed_owner,
    merge_lines,
    new_guest_secret,
    new_order_number,
    secret_digest,
)
from order_service.ports import (
    Catalog,
    IgnoreOutcomes,
    Inventory,
    OrderOutcomes,
    OrderRepository,
    Reservation,
    ReservationStatus,
)

logger = logging.getLogger(__name__)

IDEMPOTENT_REPLAY_POLL_SECONDS = 0.05

_NOT_PLACED: Mapping[OrderStatus, Callable[[Order], Exception]] = {
    OrderStatus.REJECTED: OutOfStockError,
    OrderStatus.FAILED: OrderFailedError,
    OrderStatus.PENDING: OrderInProgressError,
}
"""How placing answers an order that did not end up taking its stock."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Ordering:
    """What the use cases work with: the order store and the two other services."""

    orders: OrderRepository
    catalog: Catalog
    inventory: Inventory
    idempotency_wait_seconds: float = 5.0
    idempotency_key_ttl: timedelta = timedelta(hours=24)
    outcomes: OrderOutcomes = field(default_factory=IgnoreOutcomes)


@dataclass(frozen=True)
class PlacedOrder:
    """A placed order and, when a guest placed it, the secret to it: answered this once,
    stored only as its digest."""

    order: Order
    guest_secret: str | None = None


async def place_order(
    ordering: Ordering,
    caller: Caller,
    requested: Sequence[Line],
    idempotency_key: str | None = None,
) -> PlacedOrder:
    """Place an order for `caller` at catalog prices and take its stock; returns it CONFIRMED.

    A signed-in caller owns the order; a guest gets its secret. A line without a price is
    charged the catalog's. A repeat with the same `idempotency_key` from the same caller (all
    guests share one scope) within the key's lifetime answers the first order as it is now
    (CONFIRMED, or since CANCELLED), without a secret. Raises OutOfStockError (the order is
    kept REJECTED), NothingOrderedError or OrderFailedError (a service could not answer;
    nothing stays taken), OrderInProgressError (the first request is still placing it), and,
    before anything is stored, UnknownSkusError, PriceChangedError or IdempotencyKeyReusedError.
    """
    try:
        placed = await _place(ordering, caller, requested, idempotency_key)
    except DependencyUnavailableError as exc:
        raise NothingOrderedError(exc.service, exc.reason) from exc
    # A failing order (owing its release) is as good as FAILED: its key is free again.
    refusal = OrderFailedError if placed.order.failing else _NOT_PLACED.get(placed.order.status)
    if refusal is not None:
        raise refusal(placed.order)
    return placed


async def _place(
    ordering: Ordering, caller: Caller, requested: Sequence[Line], idempotency_key: str | None
) -> PlacedOrder:
    wanted = merge_lines(requested)
    request_fingerprint = fingerprint(wanted)
    scope = caller.idempotency_scope
    if idempotency_key is not None:
        earlier = await _placed_with_key(ordering, scope, idempotency_key)
        if earlier is not None:
            return await _replay(ordering, earlier, request_fingerprint, idempotency_key)

    lines = await _at_catalog_prices(ordering.catalog, wanted)
    guest_secret = new_guest_secret() if caller.subject is None else None
    order = Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=lines,
        created_at=utc_now(),
        fingerprint=request_fingerprint,
        idempotency_key=idempotency_key,
        owner=caller.subject,
        guest_secret_digest=secret_digest(guest_secret) if guest_secret is not None else None,
    )
    try:
        await ordering.orders.add(order)
    except DuplicateIdempotencyKeyError:
        assert idempotency_key is not None
        earlier = await _placed_with_key(ordering, scope, idempotency_key)
        if earlier is None:  # the racing order failed and gave its key back: place ours again
            return await _place(ordering, caller, requested, idempotency_key)
        return await _replay(ordering, earlier, request_fingerprint, idempotency_key)
    return PlacedOrder(await _take_stock(ordering, order), guest_secret)


async def _placed_with_key(ordering: Ordering, scope: str, key: str) -> Order | None:
    """The order `key` placed in `scope`, while the key is kept; an expired key is let go."""
    earlier = await ordering.orders.get_by_idempotency_key(scope, key)
    if earlier is None or not earlier.idempotency_key_expired(
        utc_now(), ordering.idempotency_key_ttl
    ):
        return earlier
    await ordering.orders.save_transition(earlier.forget_idempotency_key(), earlier)
    return None


def _disagrees(line: RequestedLine, prices: Mapping[str, Decimal]) -> bool:
    current = prices.get(line.sku_code)
    return current is None or (line.price is not None and line.price != current)


async def _at_catalog_prices(
    catalog: Catalog, wanted: Sequence[RequestedLine]
) -> tuple[OrderLine, ...]:
    skus = [line.sku_code for line in wanted]
    prices = await catalog.prices(skus)
    if any(_disagrees(line, prices) for line in wanted):
        # Refuse only on the catalog as it is now, never on remembered prices.
        prices = await catalog.prices(skus, fresh=True)
    unknown = [sku for sku in skus if sku not in prices]
    if unknown:
        raise UnknownSkusError(unknown)
    changes = [
        PriceChange(line.sku_code, line.price, prices[line.sku_code])
        for line in wanted
        if line.price is not None and line.price != prices[line.sku_code]
    ]
    if changes:
        raise PriceChangedError(changes)
    return tuple(OrderLine(line.sku_code, line.quantity, prices[line.sku_code]) for line in wanted)


async def _take_stock(ordering: Ordering, order: Order) -> Order:
    try:
        reservation = await ordering.inventory.reserve(order.order_number, order.lines)
    except RequestNotSentError:
        # Never sent, so nothing was taken: no release is owed.
        await _fail(ordering, order)
        raise
    except DependencyUnavailableError:
        # The reservation may or may not have landed: release it (idempotent, and a
        # release that arrives first makes a late reservation take nothing).
        await _abandon(ordering, order)
        raise
    settled = await _settle_by_reservation(ordering.orders, order, reservation)
    if settled is None:  # settled meanwhile by the recovery loop: answer what it decided
        return await _stored(ordering.orders, order.order_number)
    ordering.outcomes.settled(settled)
    return settled


async def _settle_by_reservation(
    orders: OrderRepository, order: Order, reservation: Reservation
) -> Order | None:
    """Settle a PENDING order by its reservation; None if it was no longer PENDING."""
    if reservation.status is ReservationStatus.RESERVED:
        settled = order.confirm()
    elif reservation.status is ReservationStatus.REJECTED:
        settled = order.reject(reservation.shortages)
    else:
        settled = order.fail()
    return settled if await orders.save_transition(settled, expected=order) else None


async def _abandon(ordering: Ordering, order: Order) -> None:
    # The debt is written before the release is sent: whoever confirms the order after
    # that finds it and cannot (the recovery loop may have read the reservation as taken
    # before the release landed).
    owing = order.owe_release()
    if not await ordering.orders.save_transition(owing, expected=order):
        return  # settled meanwhile by the recovery loop: that decision stands
    try:
        await ordering.inventory.release(order.order_number)
    except DependencyUnavailableError:
        # Stays PENDING, owing: the recovery loop releases it once inventory answers again.
        return
    await _fail(ordering, owing)


async def _fail(ordering: Ordering, order: Order) -> None:
    failed = order.fail()
    if await ordering.orders.save_transition(failed, expected=order):
        ordering.outcomes.settled(failed)


async def _replay(
    ordering: Ordering, earlier: Order, request_fingerprint: str, key: str
) -> PlacedOrder:
    if earlier.fingerprint != request_fingerprint:
        raise IdempotencyKeyReusedError(key)
    deadline = asyncio.get_running_loop().time() + ordering.idempotency_wait_seconds
    order = earlier
    while (
        order.status is OrderStatus.PENDING
        and not order.failing
        and asyncio.get_running_loop().time() < deadline
    ):
        await asyncio.sleep(IDEMPOTENT_REPLAY_POLL_SECONDS)
        current = await ordering.orders.get(earlier.order_number)
        assert current is not None
        order = current
    return PlacedOrder(order)


async def get_order(orders: OrderRepository, order_number: str, caller: Caller) -> Order:
    """The order, to its owner, an admin, or the holder of its guest secret.

    Raises SignInRequiredError for an anonymous caller without a secret, and
    OrderNotFoundError when there is no such order or `caller` may not see it.
    """
    ensure_may_ask_for_an_order(caller)
    order = await orders.get(order_number)
    if order is None or not order.visible_to(caller):
        raise OrderNotFoundError(order_number)
    return order


async def _stored(orders: OrderRepository, order_number: str) -> Order:
    order = await orders.get(order_number)
    if order is None:
        raise OrderNotFoundError(order_number)
    return order


async def list_orders(
    orders: OrderRepository, caller: Caller, *, page: int, size: int
) -> list[Order]:
    """Newest first: a customer's own orders, or every order for an admin.

    Raises SignInRequiredError (anonymous) or NotACustomerError (a service acting for itself).
    """
    owner = listed_owner(caller)
    if owner is None:
        return await orders.newest(offset=page * size, limit=size)
    return await orders.newest_of(owner, offset=page * size, limit=size)


async def cancel_order(ordering: Ordering, order_number: str, caller: Caller) -> Order:
    """Cancel a confirmed order `caller` may see and give its stock back; cancelling again
    changes nothing.

    The cancellation is recorded, owing the stock, before the release is sent: while the
    inventory cannot answer the order is CANCELLED and the recovery loop gives the stock
    back later. Raises what get_order does, or NotCancellableError.
    """
    order = await get_order(ordering.orders, order_number, caller)
    if order.status is OrderStatus.CANCELLED:
        return order
    cancelled = order.cancel()
    if not await ordering.orders.save_transition(cancelled, expected=order):
        return await _stored(ordering.orders, order_number)  # a concurrent cancel won
    ordering.outcomes.settled(cancelled)
    try:
        await ordering.inventory.release(order_number)
    except DependencyUnavailableError as exc:
        logger.warning("stock of a cancelled order left for recovery: %s", exc)
        return cancelled
    await ordering.orders.save_transition(cancelled.stock_returned(), expected=cancelled)
    return await _stored(ordering.orders, order_number)


async def settle_abandoned_orders(
    ordering: Ordering, *, older_than: timedelta, batch: int = 100
) -> int:
    """Settle PENDING orders a crash left behind, by what inventory knows of them, and give
    back the stock of cancelled orders whose release did not complete.

    Reserved → CONFIRMED; rejected → REJECTED; anything else, or owing a release →
    released, then FAILED. Returns how many were settled; stops early while inventory is
    unreachable.
    """
    settled = 0
    try:
        for order in await ordering.orders.pending_since(utc_now() - older_than, batch):
            await _settle_abandoned(ordering, order)
            settled += 1
            outcome = await _stored(ordering.orders, order.order_number)
            ordering.outcomes.settled(outcome, by_recovery=True)
            logger.info(
                "abandoned order settled",
                extra={"order_number": order.order_number, "status": outcome.status},
            )
        for order in await ordering.orders.cancelled_owing_release(batch):
            await ordering.inventory.release(order.order_number)
            await ordering.orders.save_transition(order.stock_returned(), expected=order)
            settled += 1
            logger.info(
                "stock of a cancelled order returned", extra={"order_number": order.order_number}
            )
    except DependencyUnavailableError as exc:
        logger.warning("recovery paused: %s", exc)
    return settled


async def _settle_abandoned(ordering: Ordering, order: Order) -> None:
    if not order.must_release:
        reservation = await ordering.inventory.reservation(order.order_number)
        if reservation is not None and reservation.status in (
            ReservationStatus.RESERVED,
            ReservationStatus.REJECTED,
        ):
            await _settle_by_reservation(ordering.orders, order, reservation)
            return
        owing = order.owe_release()
        if not await ordering.orders.save_transition(owing, expected=order):
            return  # settled meanwhile by its live request
        order = owing
    await ordering.inventory.release(order.order_number)
    await ordering.orders.save_transition(order.fail(), expected=order)


async def keep_settling_abandoned_orders(
    ordering: Ordering, *, older_than: timedelta, interval_seconds: float
) -> None:
    """Settle abandoned orders every `interval_seconds`, forever; a failed round is logged."""
    while True:
        try:
            await settle_abandoned_orders(ordering, older_than=older_than)
        except Exception:
            logger.exception("recovery round failed")
        await asyncio.sleep(interval_seconds)
