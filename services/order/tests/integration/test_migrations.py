"""Migration 0002 on SQLite and MariaDB: the orders placed before it, and the way back."""

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from order_service.adapters.sql import MIGRATIONS, VERSION_TABLE, SqlOrderRepository
from order_service.domain import (
    GUEST_SCOPE,
    Caller,
    DuplicateIdempotencyKeyError,
    Order,
    OrderLine,
    OrderStatus,
    fingerprint,
    idempotency_scope,
    new_order_number,
)
from order_service.service import utc_now
from shopkit.sql import create_engine

LINES = (OrderLine("mug", 2, Decimal("12.50")),)


async def migrate_to(engine: AsyncEngine, revision: str, *, down: bool = False) -> None:
    def run(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["version_table"] = VERSION_TABLE
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


@pytest.fixture
async def engine_at_0001(order_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(order_database_url)
    await migrate_to(engine, "0001")
    yield engine
    await engine.dispose()


async def an_order_placed_before_0002(engine: AsyncEngine, key: str) -> str:
    number = new_order_number()
    created = (utc_now() - timedelta(minutes=1)).replace(tzinfo=None)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO orders (order_number, status, created_at, updated_at,"
                " idempotency_key, fingerprint, must_release, shortages)"
                " VALUES (:number, 'CONFIRMED', :created, :created, :key, :fingerprint, 0, NULL)"
            ),
            {"number": number, "created": created, "key": key, "fingerprint": fingerprint(LINES)},
        )
        await connection.execute(
            text(
                "INSERT INTO order_lines (order_number, sku_code, quantity, unit_price_minor)"
                " VALUES (:number, 'mug', 2, 1250)"
            ),
            {"number": number},
        )
    return number


def a_new_order(key: str, owner: str | None) -> Order:
    return Order(
        new_order_number(),
        OrderStatus.PENDING,
        LINES,
        utc_now(),
        fingerprint(LINES),
        idempotency_key=key,
        owner=owner,
    )


async def test_orders_placed_before_0002_are_guest_orders_only_an_admin_sees(
    engine_at_0001: AsyncEngine,
) -> None:
    number = await an_order_placed_before_0002(engine_at_0001, "old-key")

    await migrate_to(engine_at_0001, "head")

    orders = SqlOrderRepository(engine_at_0001)
    kept = await orders.get(number)
    assert kept is not None
    assert (kept.status, kept.lines, kept.owner, kept.guest_secret_digest) == (
        OrderStatus.CONFIRMED,
        LINES,
        None,
        None,
    )
    assert await orders.get_by_idempotency_key(GUEST_SCOPE, "old-key") == kept
    assert kept.visible_to(Caller(subject="admin", is_admin=True))
    assert not kept.visible_to(Caller(subject="alice"))
    assert not kept.visible_to(Caller(order_secret="anything"))


async def test_after_0002_a_key_is_unique_per_scope_only(engine_at_0001: AsyncEngine) -> None:
    await an_order_placed_before_0002(engine_at_0001, "shared-key")
    await migrate_to(engine_at_0001, "head")
    orders = SqlOrderRepository(engine_at_0001)

    await orders.add(alices := a_new_order("shared-key", owner="alice"))
    with pytest.raises(DuplicateIdempotencyKeyError):
        await orders.add(a_new_order("shared-key", owner=None))

    assert await orders.get_by_idempotency_key(idempotency_scope("alice"), "shared-key") == alices


async def test_downgrading_0002_keeps_every_order_and_lets_the_customers_keys_go(
    engine_at_0001: AsyncEngine,
) -> None:
    old = await an_order_placed_before_0002(engine_at_0001, "guest-key")
    await migrate_to(engine_at_0001, "head")
    await SqlOrderRepository(engine_at_0001).add(alices := a_new_order("guest-key", "alice"))

    await migrate_to(engine_at_0001, "0001", down=True)

    async with engine_at_0001.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT order_number, idempotency_key FROM orders ORDER BY created_at")
            )
        ).all()
        lines = (await connection.execute(text("SELECT COUNT(*) FROM order_lines"))).scalar()
    assert [tuple(row) for row in rows] == [(old, "guest-key"), (alices.order_number, None)]
    assert lines == 2
