"""Every query the order store sends to MariaDB is answered through an index (EXPLAIN)."""

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from order_service.adapters.sql import SqlOrderRepository
from order_service.config import Settings
from order_service.domain import (
    Order,
    OrderLine,
    OrderStatus,
    fingerprint,
    idempotency_scope,
    new_order_number,
)
from order_service.main import migrate
from order_service.service import utc_now
from shopkit.sql import create_engine
from testkit.query_plans import full_scans, plans_reading_tables, statements_sent

# Enough that MariaDB's optimizer prefers an index where one fits: on a few hundred rows it
# rightly reads the whole table instead.
ORDERS_ON_FILE = 20_000


CUSTOMER = "customer-7"


def an_order(key: str | None = None) -> Order:
    lines = (OrderLine("sku01", 1, Decimal("9.99")),)
    return Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=lines,
        created_at=utc_now(),
        fingerprint=fingerprint(lines),
        idempotency_key=key,
        owner=CUSTOMER,
    )


# Orders a minute apart, one in ten still PENDING, one in ten a guest's and the rest of 200
# customers, each with one line; in one statement each (MariaDB's seq_1_to_N table), since
# placing 20,000 orders one by one takes minutes.
FILL_ORDERS = f"""
INSERT INTO orders (order_number, status, created_at, updated_at, idempotency_key,
                    fingerprint, must_release, shortages, owner_subject, idempotency_scope)
SELECT UUID(), IF(MOD(seq, 10) = 0, 'PENDING', 'CONFIRMED'), NOW(6) - INTERVAL seq MINUTE,
       NOW(6), CONCAT('key-', seq), 'fp', 0, NULL, owner, IFNULL(CONCAT('sub:', owner), 'guest')
FROM (SELECT seq, IF(MOD(seq, 10) = 3, NULL, CONCAT('customer-', MOD(seq, 200))) AS owner
      FROM seq_1_to_{ORDERS_ON_FILE}) AS numbered
"""
FILL_LINES = """
INSERT INTO order_lines (order_number, sku_code, quantity, unit_price_minor)
SELECT order_number, 'sku01', 1, 999 FROM orders
"""


@pytest.fixture
async def busy_store(
    mariadb_database_factory: Callable[[str], str],
) -> AsyncIterator[tuple[AsyncEngine, SqlOrderRepository]]:
    """A MariaDB order store holding 20,000 orders of 200 customers and guests, a tenth of
    them pending."""
    url = mariadb_database_factory("order_plans")
    await migrate(Settings(database_url=url))
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(FILL_ORDERS)
        await connection.exec_driver_sql(FILL_LINES)
    async with engine.connect() as connection:
        await connection.exec_driver_sql("ANALYZE TABLE orders, order_lines")
    yield engine, SqlOrderRepository(engine)
    await engine.dispose()


async def test_placing_reading_and_recovering_orders_never_scans_a_whole_table(
    busy_store: tuple[AsyncEngine, SqlOrderRepository],
) -> None:
    engine, orders = busy_store
    order = an_order(key="key-new")

    with statements_sent(engine) as sent:
        await orders.add(order)
        await orders.get_by_idempotency_key(idempotency_scope(CUSTOMER), "key-new")
        await orders.save_transition(order.confirm(), order)
        await orders.get(order.order_number)
        await orders.newest(offset=0, limit=20)
        await orders.newest_of(CUSTOMER, offset=0, limit=20)
        await orders.pending_since(utc_now() - timedelta(minutes=30), limit=100)
        await orders.save_transition(order.confirm().cancel(), order.confirm())
        await orders.cancelled_owing_release(limit=100)

    plans = await plans_reading_tables(engine, sent)
    assert len(plans) >= 8, f"expected the reads and updates to be captured, got {list(plans)}"
    assert full_scans(plans) == {}


async def test_a_customers_newest_orders_are_read_from_their_index_without_sorting(
    busy_store: tuple[AsyncEngine, SqlOrderRepository],
) -> None:
    engine, orders = busy_store

    with statements_sent(engine) as sent:
        await orders.newest_of(CUSTOMER, offset=0, limit=20)

    [(_, [plan])] = [
        (sql, rows)
        for sql, rows in (await plans_reading_tables(engine, sent)).items()
        if "owner_subject =" in sql
    ]
    assert plan["key"] == "ix_orders_owner_created_at"
    assert "filesort" not in (plan["Extra"] or "")
