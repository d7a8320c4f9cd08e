"""Orders in a relational database: SQLite embedded, MySQL/MariaDB in production."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from order_service.adapters.tables import order_lines, orders
from order_service.domain import (
    DuplicateIdempotencyKeyError,
    Order,
    OrderLine,
    OrderStatus,
    Shortage,
)
from shopkit.money import from_minor_units, to_minor_units

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version_order"

# The statements every order runs, built once: building one costs more CPU than the
# database spends running it (parameters are bound at execution; the SET clause of
# _SAVE_TRANSITION is whatever columns the parameters name).
_ADD_ORDER = insert(orders)
_ADD_LINES = insert(order_lines)
_SAVE_TRANSITION = update(orders).where(
    orders.c.order_number == bindparam("number"),
    orders.c.status == bindparam("expected_status"),
    orders.c.must_release == bindparam("expected_must_release"),
)
# The order number breaks ties between orders of the same microsecond.
_NEWEST_FIRST = (orders.c.created_at.desc(), orders.c.order_number.desc())


def _stored(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _loaded(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _shortages_json(shortages: Sequence[Shortage]) -> str | None:
    if not shortages:
        return None
    return json.dumps(
        [{"sku": s.sku_code, "requested": s.requested, "available": s.available} for s in shortages]
    )


def _shortages(raw: str | None) -> tuple[Shortage, ...]:
    entries: list[dict[str, Any]] = json.loads(raw) if raw else []
    return tuple(Shortage(e["sku"], e["requested"], e["available"]) for e in entries)


class SqlOrderRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, order: Order) -> None:
        row = {
            "order_number": order.order_number,
            "status": order.status,
            "created_at": _stored(order.created_at),
            "updated_at": _stored(order.created_at),
            "idempotency_key": order.idempotency_key,
            "fingerprint": order.fingerprint,
            "must_release": order.must_release,
            "shortages": _shortages_json(order.shortages),
            "owner_subject": order.owner,
            "guest_secret_digest": order.guest_secret_digest,
            "idempotency_scope": order.idempotency_scope,
        }
        lines = [
            {
                "order_number": order.order_number,
                "sku_code": line.sku_code,
                "quantity": line.quantity,
                "unit_price_minor": to_minor_units(line.price),
            }
            for line in order.lines
        ]
        try:
            async with self._engine.begin() as connection:
                await connection.execute(_ADD_ORDER, row)
                await connection.execute(_ADD_LINES, lines)
        except IntegrityError as exc:
            raise DuplicateIdempotencyKeyError from exc

    async def get(self, order_number: str) -> Order | None:
        found = await self._load(orders.c.order_number == order_number)
        return found[0] if found else None

    async def get_by_idempotency_key(self, scope: str, key: str) -> Order | None:
        found = await self._load(
            (orders.c.idempotency_scope == scope) & (orders.c.idempotency_key == key)
        )
        return found[0] if found else None

    async def save_transition(self, order: Order, expected: Order) -> bool:
        values = {
            "number": order.order_number,
            "expected_status": expected.status,
            "expected_must_release": expected.must_release,
            "status": order.status,
            "must_release": order.must_release,
            "updated_at": _stored(datetime.now(UTC)),
            "shortages": _shortages_json(order.shortages),
            "idempotency_key": order.idempotency_key,
        }
        async with self._engine.begin() as connection:
            result = await connection.execute(_SAVE_TRANSITION, values)
        return bool(result.rowcount == 1)

    async def newest(self, offset: int, limit: int) -> list[Order]:
        return await self._load(None, order_by=_NEWEST_FIRST, offset=offset, limit=limit)

    async def newest_of(self, owner: str, offset: int, limit: int) -> list[Order]:
        return await self._load(
            orders.c.owner_subject == owner, order_by=_NEWEST_FIRST, offset=offset, limit=limit
        )

    async def pending_since(self, cutoff: datetime, limit: int) -> list[Order]:
        return await self._load(
            (orders.c.status == OrderStatus.PENDING) & (orders.c.created_at < _stored(cutoff)),
            order_by=(orders.c.created_at,),
            limit=limit,
        )

    async def cancelled_owing_release(self, limit: int) -> list[Order]:
        return await self._load(
            (orders.c.status == OrderStatus.CANCELLED) & orders.c.must_release,
            order_by=(orders.c.created_at,),
            limit=limit,
        )

    async def _load(
        self,
        where: Any,
        *,
        order_by: tuple[Any, ...] = (),
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Order]:
        query = select(orders).order_by(*order_by).offset(offset).limit(limit)
        if where is not None:
            query = query.where(where)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            lines = await _lines_of(connection, [row.order_number for row in rows])
        return [_order(row, lines.get(row.order_number, ())) for row in rows]


async def _lines_of(
    connection: AsyncConnection, order_numbers: list[str]
) -> dict[str, tuple[OrderLine, ...]]:
    if not order_numbers:
        return {}
    rows = await connection.execute(
        select(order_lines)
        .where(order_lines.c.order_number.in_(order_numbers))
        .order_by(order_lines.c.sku_code)
    )
    lines: dict[str, list[OrderLine]] = {}
    for row in rows:
        lines.setdefault(row.order_number, []).append(
            OrderLine(row.sku_code, row.quantity, from_minor_units(row.unit_price_minor))
        )
    return {number: tuple(found) for number, found in lines.items()}


def _order(row: Row[Any], lines: tuple[OrderLine, ...]) -> Order:
    return Order(
        order_number=row.order_number,
        status=OrderStatus(row.status),
        lines=lines,
        created_at=_loaded(row.created_at),
        fingerprint=row.fingerprint,
        idempotency_key=row.idempotency_key,
        shortages=_shortages(row.shortages),
        must_release=bool(row.must_release),
        owner=row.owner_subject,
        guest_secret_digest=row.guest_secret_digest,
    )
