"""Reservations in SQL: all-or-nothing stock taking with conditional updates."""

from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from inventory_service.adapters.tables import inventory, reservation_lines, reservations
from inventory_service.domain import (
    RETURNS_STOCK_WHEN_RELEASED,
    Reservation,
    ReservationItem,
    ReservationStatus,
    Shortage,
)
from shopkit.faults import database_fault
from shopkit.sql import retry_on_lock_conflict


class _ShortError(Exception):
    def __init__(self, items: list[ReservationItem]) -> None:
        self.items = items


class _AlreadyRecordedError(Exception):
    """Another request recorded this order number first."""


# The statements every reservation runs, built once: building one costs more CPU than
# the database spends running it (parameters are bound at execution).
_CLAIM = insert(reservations)
_TAKE = (
    update(inventory)
    .where(inventory.c.sku_code == bindparam("sku"))
    .where(inventory.c.quantity >= bindparam("wanted"))
    .values(quantity=inventory.c.quantity - bindparam("wanted"))
)
_RECORD_LINES = insert(reservation_lines)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


async def _claim(connection: AsyncConnection, order_number: str, status: str) -> None:
    """Insert the reservation row first: its primary key makes a concurrent repeat of the
    same order number wait here, then find the first one's outcome."""
    try:
        await connection.execute(
            _CLAIM, {"order_number": order_number, "status": status, "created_at": _now()}
        )
    except IntegrityError as exc:
        raise _AlreadyRecordedError from exc


class SqlReservationRepository:
    """Like SqlStockRepository, waits for the slow-database fault before each unit of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def reserve(self, order_number: str, items: Sequence[ReservationItem]) -> Reservation:
        try:
            return await retry_on_lock_conflict(self._take_all, order_number, items)
        except _AlreadyRecordedError:
            return await self._existing(order_number)
        except _ShortError as short:
            return await self._record_rejection(order_number, items, short.items)

    async def _take_all(self, order_number: str, items: Sequence[ReservationItem]) -> Reservation:
        await database_fault()
        async with self._engine.begin() as connection:
            await _claim(connection, order_number, ReservationStatus.RESERVED)
            short = []
            for item in items:  # in SKU order: concurrent reservations lock rows alike
                taken = await connection.execute(
                    _TAKE, {"sku": item.sku_code, "wanted": item.quantity}
                )
                if taken.rowcount != 1:
                    short.append(item)
            if short:
                raise _ShortError(short)  # leaving the block rolls every update back
            await connection.execute(
                _RECORD_LINES,
                [
                    {"order_number": order_number, "sku_code": i.sku_code, "quantity": i.quantity}
                    for i in items
                ],
            )
        return Reservation(order_number, ReservationStatus.RESERVED, tuple(items))

    async def _record_rejection(
        self, order_number: str, items: Sequence[ReservationItem], short: list[ReservationItem]
    ) -> Reservation:
        short_skus = {item.sku_code for item in short}
        await database_fault()
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(inventory.c.sku_code, inventory.c.quantity).where(
                    inventory.c.sku_code.in_(short_skus)
                )
            )
            available = {row.sku_code: row.quantity for row in rows}
        lines = [
            {
                "order_number": order_number,
                "sku_code": item.sku_code,
                "quantity": item.quantity,
                "available": available.get(item.sku_code, 0)
                if item.sku_code in short_skus
                else None,
            }
            for item in items
        ]
        try:
            await database_fault()
            async with self._engine.begin() as connection:
                await _claim(connection, order_number, ReservationStatus.REJECTED)
                await connection.execute(_RECORD_LINES, lines)
        except _AlreadyRecordedError:
            return await self._existing(order_number)
        result = await self.get(order_number)
        assert result is not None
        return result

    async def release(self, order_number: str) -> Reservation:
        # A concurrent reservation or release may have recorded it first: read its state.
        with suppress(_AlreadyRecordedError):
            await retry_on_lock_conflict(self._release, order_number)
        return await self._existing(order_number)

    async def _release(self, order_number: str) -> None:
        await database_fault()
        async with self._engine.begin() as connection:
            released = await connection.execute(
                update(reservations)
                .where(reservations.c.order_number == order_number)
                .where(reservations.c.status.in_(RETURNS_STOCK_WHEN_RELEASED))
                .values(status=ReservationStatus.RELEASED, released_at=_now())
            )
            if released.rowcount == 1:
                # Only the request that flipped the status gives the stock back.
                lines = await connection.execute(
                    select(reservation_lines.c.sku_code, reservation_lines.c.quantity)
                    .where(reservation_lines.c.order_number == order_number)
                    .order_by(reservation_lines.c.sku_code)
                )
                for line in lines.all():
                    await connection.execute(
                        update(inventory)
                        .where(inventory.c.sku_code == line.sku_code)
                        .values(quantity=inventory.c.quantity + line.quantity)
                    )
                return
            known = await connection.scalar(
                select(reservations.c.status).where(reservations.c.order_number == order_number)
            )
            if known is None:
                # Released before it was ever reserved: remember, so a late reservation is refused.
                await _claim(connection, order_number, ReservationStatus.RELEASED)

    async def _existing(self, order_number: str) -> Reservation:
        reservation = await self.get(order_number)
        assert reservation is not None, "a claimed reservation row is never deleted"
        return reservation

    async def get(self, order_number: str) -> Reservation | None:
        await database_fault()
        async with self._engine.connect() as connection:
            status = await connection.scalar(
                select(reservations.c.status).where(reservations.c.order_number == order_number)
            )
            if status is None:
                return None
            rows = (
                await connection.execute(
                    select(reservation_lines)
                    .where(reservation_lines.c.order_number == order_number)
                    .order_by(reservation_lines.c.sku_code)
                )
            ).all()
        items = tuple(ReservationItem(row.sku_code, row.quantity) for row in rows)
        shortages = tuple(
            Shortage(row.sku_code, row.quantity, row.available)
            for row in rows
            if row.available is not None
        )
        return Reservation(order_number, ReservationStatus(status), items, shortages)
