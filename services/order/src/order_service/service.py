"""Order use cases: the saga that confirms an order if and only if its stock was taken."""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from order_service.domain import (
    DependencyUnavailableError,
    DuplicateIdempotencyKeyError,
    IdempotencyKeyReusedError,
    NotCancellableError,
    Order,
    OrderLine,
    OrderNotFoundError,
    OrderStatus,
    PriceChange,
    PriceChangedError,
    UnknownSkusError,
    fingerprint,
    merge_lines,
    new_order_number,
)
from order_service.ports import (
    Catalog,
    IgnoreOutcomes,
    Inventory,
    OrderOutcomes,
    OrderRepository,
    Reservation,
)

logger = logging.getLogger(__name__)

IDEMPOTENT_REPLAY_POLL_SECONDS = 0.05


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Ordering:
    """What the use cases work with: the order store and the two other services."""

    orders: OrderRepository
    catalog: Catalog
    inventory: Inventory
    idempotency_wait_seconds: float = 5.0
    outcomes: OrderOutcomes = field(default_factory=IgnoreOutcomes)


async def place_order(
    ordering: Ordering, requested: Sequence[OrderLine], idempotency_key: str | None = None
) -> Order:
    """Place an order at catalog prices and take its stock.

    Returns the order CONFIRMED, REJECTED (out of stock) or FAILED (inventory unreachable,
    nothing taken); a repeat with the same `idempotency_key` returns the first order.
    """
    lines = merge_lines(requested)
    request_fingerprint = fingerprint(lines)
    if idempotency_key is not None:
        earlier = await ordering.orders.get_by_idempotency_key(idempotency_key)
        if earlier is not None:
            return await _replay(ordering, earlier, request_fingerprint, idempotency_key)

    await _check_prices(ordering.catalog, lines)
    order = Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=lines,
        created_at=utc_now(),
        fingerprint=request_fingerprint,
        idempotency_key=idempotency_key,
    )
    try:
        await ordering.orders.add(order)
    except DuplicateIdempotencyKeyError:
        assert idempotency_key is not None
        earlier = await ordering.orders.get_by_idempotency_key(idempotency_key)
        if earlier is None:  # the racing order failed and gave its key back: place ours again
            return await place_order(ordering, requested, idempotency_key)
        return await _replay(ordering, earlier, request_fingerprint, idempotency_key)
    return await _take_stock(ordering, order)


async def _check_prices(catalog: Catalog, lines: Sequence[OrderLine]) -> None:
    skus = [line.sku_code for line in lines]
    prices = await catalog.prices(skus)
    if any(prices.get(line.sku_code) != line.price for line in lines):
        # Refuse only on the catalog as it is now, never on remembered prices.
        prices = await catalog.prices(skus, fresh=True)
    unknown = [sku for sku in skus if sku not in prices]
    if unknown:
        raise UnknownSkusError(unknown)
    changes = [
        PriceChange(line.sku_code, line.price, prices[line.sku_code])
        for line in lines
        if line.price != prices[line.sku_code]
    ]
    if changes:
        raise PriceChangedError(changes)


async def _take_stock(ordering: Ordering, order: Order) -> Order:
    try:
        reservation = await ordering.inventory.reserve(order.order_number, order.lines)
    except DependencyUnavailableError:
        # The reservation may or may not have landed: release it (idempotent, and a
        # release that arrives first makes a late reservation take nothing).
        await _abandon(ordering, order)
        raise
    settled = await _settle_by_reservation(ordering.orders, order, reservation)
    if settled is None:  # settled meanwhile by the recovery loop: answer what it decided
        return await get_order(ordering.orders, order.order_number)
    ordering.outcomes.settled(settled)
    return settled


async def _settle_by_reservation(
    orders: OrderRepository, order: Order, reservation: Reservation
) -> Order | None:
    """Settle a PENDING order by its reservation; None if it was no longer PENDING."""
    outcome = {
        "RESERVED": OrderStatus.CONFIRMED,
        "REJECTED": OrderStatus.REJECTED,
    }.get(reservation.status, OrderStatus.FAILED)
    shortages = reservation.shortages if outcome is OrderStatus.REJECTED else ()
    if not await orders.settle(order.order_number, OrderStatus.PENDING, outcome, shortages):
        return None
    settled = order.settled(outcome, shortages)
    # A failed attempt gives its key back (the repository clears it the same way).
    return replace(settled, idempotency_key=None) if outcome is OrderStatus.FAILED else settled


async def _abandon(ordering: Ordering, order: Order) -> None:
    try:
        await ordering.inventory.release(order.order_number)
    except DependencyUnavailableError:
        # Stays PENDING: the recovery loop releases it once inventory answers again.
        await ordering.orders.mark_must_release(order.order_number)
        return
    if await ordering.orders.settle(order.order_number, OrderStatus.PENDING, OrderStatus.FAILED):
        ordering.outcomes.settled(order.settled(OrderStatus.FAILED))


async def _replay(ordering: Ordering, earlier: Order, request_fingerprint: str, key: str) -> Order:
    if earlier.fingerprint != request_fingerprint:
        raise IdempotencyKeyReusedError(key)
    deadline = asyncio.get_running_loop().time() + ordering.idempotency_wait_seconds
    order = earlier
    while order.status is OrderStatus.PENDING and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(IDEMPOTENT_REPLAY_POLL_SECONDS)
        current = await ordering.orders.get(earlier.order_number)
        assert current is not None
        order = current
    return order


async def get_order(orders: OrderRepository, order_number: str) -> Order:
    order = await orders.get(order_number)
    if order is None:
        raise OrderNotFoundError(order_number)
    return order


async def list_orders(orders: OrderRepository, *, page: int, size: int) -> list[Order]:
    """Newest first."""
    return await orders.newest(offset=page * size, limit=size)


async def cancel_order(ordering: Ordering, order_number: str) -> Order:
    """Cancel a confirmed order and give its stock back; cancelling again changes nothing."""
    order = await get_order(ordering.orders, order_number)
    if order.status is OrderStatus.CANCELLED:
        return order
    if order.status is not OrderStatus.CONFIRMED:
        raise NotCancellableError(order)
    await ordering.inventory.release(order_number)
    if await ordering.orders.settle(order_number, OrderStatus.CONFIRMED, OrderStatus.CANCELLED):
        ordering.outcomes.settled(order.settled(OrderStatus.CANCELLED))
    return await get_order(ordering.orders, order_number)


async def settle_abandoned_orders(
    ordering: Ordering, *, older_than: timedelta, batch: int = 100
) -> int:
    """Settle PENDING orders a crash left behind, by what inventory knows of them.

    Reserved → CONFIRMED; rejected → REJECTED; anything else → released, then FAILED.
    Returns how many were settled; stops early while inventory is unreachable.
    """
    settled = 0
    for order in await ordering.orders.pending_since(utc_now() - older_than, batch):
        try:
            reservation = (
                None
                if order.must_release
                else await ordering.inventory.reservation(order.order_number)
            )
            if reservation is not None and reservation.status in ("RESERVED", "REJECTED"):
                await _settle_by_reservation(ordering.orders, order, reservation)
            else:
                await ordering.inventory.release(order.order_number)
                await ordering.orders.settle(
                    order.order_number, OrderStatus.PENDING, OrderStatus.FAILED
                )
        except DependencyUnavailableError as exc:
            logger.warning("recovery paused: %s", exc)
            break
        settled += 1
        outcome = await get_order(ordering.orders, order.order_number)
        ordering.outcomes.settled(outcome, by_recovery=True)
        logger.info(
            "abandoned order settled",
            extra={"order_number": order.order_number, "status": outcome.status},
        )
    return settled
