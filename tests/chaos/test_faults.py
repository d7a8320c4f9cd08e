"""Chaos under a steady order load: each fault in turn, then the shop's invariants, checked in
the order and inventory tables themselves, and what the customers saw."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Figures
from .invariants import Snapshot, settled, snapshot, violations
from .load import Load, Tally
from .stack import (
    CALL_TIMEOUT_SECONDS,
    RECOVERY_INTERVAL_SECONDS,
    RECOVERY_MIN_AGE_SECONDS,
    ChaosStack,
)

SKUS_PER_FAULT = 3
STOCK_PER_SKU = 200
WARM_UP_SECONDS = 2.0
ANSWERING_AGAIN_WITHIN_SECONDS = 15.0
LOAD_AFTER_RECOVERY_SECONDS = 1.5
SETTLED_WITHIN_SECONDS = RECOVERY_MIN_AGE_SECONDS + 20 * RECOVERY_INTERVAL_SECONDS
SLOW_INVENTORY_SECONDS = 1.5 * CALL_TIMEOUT_SECONDS
"""How long the proxy holds each chunk: past the order service's call timeout."""


@dataclass(frozen=True)
class Fault:
    """Something that goes wrong, for `held_seconds` under load, and how it ends."""

    name: str
    inject: Callable[[ChaosStack], None]
    heal: Callable[[ChaosStack], None]
    held_seconds: float


def _killed(service: str) -> Fault:
    return Fault(
        f"kill -9 {service}, then restart",
        lambda stack: stack.kill(service),
        lambda stack: stack.restart(service),
        held_seconds=1.0,
    )


FAULTS = [
    _killed("inventory"),
    _killed("order"),
    _killed("product"),
    _killed("identity"),
    Fault(
        "kill -9 MariaDB, then restart",
        lambda stack: stack.database.kill(),
        lambda stack: stack.database.start(),
        held_seconds=1.5,
    ),
    Fault(
        "cut order to inventory, then restore",
        lambda stack: stack.inventory_proxy.cut(),
        lambda stack: stack.inventory_proxy.restore(),
        held_seconds=2.0,
    ),
    Fault(
        f"inventory slowed to {SLOW_INVENTORY_SECONDS} s a chunk, then at full speed",
        lambda stack: stack.inventory_proxy.slow_down(SLOW_INVENTORY_SECONDS),
        lambda stack: stack.inventory_proxy.slow_down(0),
        held_seconds=3.0,
    ),
]


def _answered(tally: Tally) -> int:
    """Orders that reached a working shop: confirmed, or refused for want of stock."""
    return tally.placed[201] + tally.placed[409]


async def _seconds_until(
    check: Callable[[], Awaitable[bool]], within_seconds: float, interval: float, what: str
) -> float:
    """Seconds until `check()` holds; fails saying `what` after `within_seconds`."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < within_seconds, f"{what} after {within_seconds} s"
        await asyncio.sleep(interval)
    return time.monotonic() - started


async def _fault_under_load(
    stack: ChaosStack, fault: Fault, skus: list[str]
) -> tuple[Tally, float]:
    """Run the load, inject the fault, heal it; returns the tally and how long after the
    heal the shop answered orders again."""
    async with Load(stack.order_url, skus, seed=FAULTS.index(fault)) as load:
        await asyncio.sleep(WARM_UP_SECONDS)
        await asyncio.to_thread(fault.inject, stack)
        await asyncio.sleep(fault.held_seconds)
        await asyncio.to_thread(fault.heal, stack)
        healed_at = _answered(load.tally)

        async def answering_again() -> bool:
            return _answered(load.tally) > healed_at + 5

        back_after = await _seconds_until(
            answering_again, ANSWERING_AGAIN_WITHIN_SECONDS, 0.05, "orders are not answered"
        )
        await asyncio.sleep(LOAD_AFTER_RECOVERY_SECONDS)
    return load.tally, back_after


def _figures(
    fault: Fault,
    tally: Tally,
    back_after: float,
    left_over: Snapshot,
    settled_after: float,
    consistent: bool,
) -> dict[str, Any]:
    """The row of docs/reliability.md's table for one fault."""
    return {
        "fault": fault.name,
        "orders_sent": tally.orders_sent,
        "confirmed_201": tally.placed[201],
        "rejected_409": tally.placed[409],
        "unavailable_503": tally.placed[503],
        "connection_errors": tally.connection_errors,
        "client_timeouts": tally.timeouts,
        "reads_and_cancels": sum(tally.followed_up.values()),
        "unexpected_answers": tally.unexpected,
        "answering_again_after_s": round(back_after, 1),
        "left_to_recover": len(left_over.pending) + len(left_over.owing_stock),
        "settled_after_s": round(settled_after, 1),
        "stock_consistent": consistent,
    }


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name.split(",")[0] for fault in FAULTS])
async def test_a_fault_under_load_leaves_stock_equal_to_confirmed_orders(
    chaos_stack: ChaosStack, figures: Figures, fault: Fault
) -> None:
    stack = chaos_stack
    skus = await asyncio.to_thread(stack.new_products, SKUS_PER_FAULT, STOCK_PER_SKU)

    tally, back_after = await _fault_under_load(stack, fault, skus)

    snapshots: list[Snapshot] = []

    async def nothing_left_to_recover() -> bool:
        snapshots.append(await snapshot(stack.databases["order"], stack.databases["inventory"]))
        return settled(snapshots[-1])

    settled_after = await _seconds_until(
        nothing_left_to_recover,
        SETTLED_WITHIN_SECONDS,
        RECOVERY_INTERVAL_SECONDS,
        "orders still PENDING or cancels owing stock",
    )
    left_over, found = snapshots[0], snapshots[-1]
    broken = violations(found, stack.initial_stock, tally.confirmed, tally.cancelled)
    figures.record(
        _figures(fault, tally, back_after, left_over, settled_after, consistent=not broken)
    )
    assert not broken, broken
    assert not tally.surprises, f"{tally.unexpected} unexpected answers, first: {tally.surprises}"
    assert tally.timeouts == 0, "a client waited past its timeout for an answer"
    assert tally.placed[201] > 0
    # Every service is still up and ready: none died of another's fault.
    await asyncio.to_thread(stack.services.wait_ready, timeout=ANSWERING_AGAIN_WITHIN_SECONDS)
