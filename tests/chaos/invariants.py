"""What must hold after any fault, read straight from the order and inventory tables: stock
taken is exactly what confirmed orders hold, nothing is left half done, and every
reservation belongs to an order."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from inventory_service.adapters import tables as stock
from order_service.adapters import tables as ordering
from shopkit.sql import create_engine


@dataclass(frozen=True)
class Snapshot:
    """The rows the invariants are about."""

    order_status: dict[str, str]
    owing_stock: set[str]
    """Cancelled orders whose stock has not gone back yet."""
    confirmed_quantities: Counter[str]
    reservation_status: dict[str, str]
    reserved_quantities: Counter[str]
    stock: dict[str, int]

    @property
    def pending(self) -> set[str]:
        return {number for number, status in self.order_status.items() if status == "PENDING"}


async def _rows(database: str, *queries: Select[Any]) -> list[Sequence[Any]]:
    engine = create_engine(database)
    try:
        async with engine.connect() as connection:
            return [(await connection.execute(query)).all() for query in queries]
    finally:
        await engine.dispose()


def _summed(rows: Sequence[Any]) -> Counter[str]:
    total: Counter[str] = Counter()
    for sku, quantity in rows:
        total[sku] += quantity
    return total


async def snapshot(order_database: str, inventory_database: str) -> Snapshot:
    """Read both services' tables (each its own database, as in production)."""
    orders, confirmed_lines = await _rows(
        order_database,
        select(
            ordering.orders.c.order_number, ordering.orders.c.status, ordering.orders.c.must_release
        ),
        select(ordering.order_lines.c.sku_code, ordering.order_lines.c.quantity)
        .join(ordering.orders)
        .where(ordering.orders.c.status == "CONFIRMED"),
    )
    reservations, reserved_lines, levels = await _rows(
        inventory_database,
        select(stock.reservations.c.order_number, stock.reservations.c.status),
        select(stock.reservation_lines.c.sku_code, stock.reservation_lines.c.quantity)
        .join(stock.reservations)
        .where(stock.reservations.c.status == "RESERVED"),
        select(stock.inventory.c.sku_code, stock.inventory.c.quantity),
    )
    return Snapshot(
        order_status={number: status for number, status, _ in orders},
        # A FAILED order keeps the flag as a record of the release it got; only a cancelled
        # one still owes its stock while it is set.
        owing_stock={number for number, status, owing in orders if owing and status == "CANCELLED"},
        confirmed_quantities=_summed(confirmed_lines),
        reservation_status={number: status for number, status in reservations},
        reserved_quantities=_summed(reserved_lines),
        stock={sku: quantity for sku, quantity in levels},
    )


def settled(found: Snapshot) -> bool:
    """No order PENDING and no cancel owing stock: the recovery loop has nothing left to do."""
    return not found.pending and not found.owing_stock


def _stock_violations(found: Snapshot, initial_stock: Mapping[str, int]) -> list[str]:
    broken = []
    for sku, initial in initial_stock.items():
        taken = initial - found.stock.get(sku, 0)
        confirmed = found.confirmed_quantities[sku]
        if taken != confirmed:
            broken.append(f"{sku}: {taken} taken, {confirmed} in confirmed orders")
        if found.reserved_quantities[sku] != confirmed:
            broken.append(
                f"{sku}: {found.reserved_quantities[sku]} reserved, {confirmed} confirmed"
            )
    return broken


def _order_violations(found: Snapshot) -> list[str]:
    broken = []
    if found.pending:
        broken.append(f"{len(found.pending)} orders still PENDING")
    if found.owing_stock:
        broken.append(f"{len(found.owing_stock)} cancelled orders still owe their stock")
    orphans = set(found.reservation_status) - set(found.order_status)
    if orphans:
        broken.append(f"{len(orphans)} reservations without an order")
    for number, status in found.order_status.items():
        reservation = found.reservation_status.get(number)
        if (reservation == "RESERVED") != (status == "CONFIRMED"):
            broken.append(f"order {number} is {status}, its reservation {reservation}")
    return broken


def violations(
    found: Snapshot,
    initial_stock: Mapping[str, int],
    answered_confirmed: set[str],
    answered_cancelled: set[str],
) -> list[str]:
    """Every broken invariant, in words; empty when the shop is consistent. An order
    answered 201 must be CONFIRMED (or CANCELLED since); one whose cancel was answered 200,
    CANCELLED."""
    broken = _stock_violations(found, initial_stock) + _order_violations(found)
    for number in answered_confirmed:
        if found.order_status.get(number) not in ("CONFIRMED", "CANCELLED"):
            broken.append(f"order {number} answered 201 is {found.order_status.get(number)}")
    for number in answered_cancelled:
        if found.order_status.get(number) != "CANCELLED":
            broken.append(f"order {number} cancelled is {found.order_status.get(number)}")
    return broken
