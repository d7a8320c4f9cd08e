"""Every query of a reservation and a stock check is answered through an index (EXPLAIN)."""

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from inventory_service.adapters.reservations import SqlReservationRepository
from inventory_service.adapters.sql import SqlStockRepository
from inventory_service.config import Settings
from inventory_service.domain import ReservationItem
from inventory_service.main import migrate
from shopkit.sql import create_engine
from testkit.query_plans import full_scans, plans_reading_tables, statements_sent

# Enough that MariaDB's optimizer prefers an index where one fits: on a few hundred rows it
# rightly reads the whole table instead. Filled in one statement each (seq_1_to_N).
SKUS_ON_FILE = 20_000
FILL = [
    f"INSERT INTO inventory (sku_code, quantity)"
    f" SELECT CONCAT('sku', seq), 1000 FROM seq_1_to_{SKUS_ON_FILE}",
    f"INSERT INTO reservations (order_number, status, created_at)"
    f" SELECT UUID(), 'RESERVED', NOW() FROM seq_1_to_{SKUS_ON_FILE}",
    "INSERT INTO reservation_lines (order_number, sku_code, quantity)"
    " SELECT order_number, 'sku1', 1 FROM reservations",
    "ANALYZE TABLE inventory, reservations, reservation_lines",
]


@pytest.fixture
async def busy_engine(mariadb_database_factory: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    """A MariaDB inventory with 20,000 SKUs and as many reservations."""
    url = mariadb_database_factory("inventory_plans")
    await migrate(Settings(database_url=url))
    engine = create_engine(url)
    async with engine.begin() as connection:
        for statement in FILL:
            await connection.exec_driver_sql(statement)
    yield engine
    await engine.dispose()


async def test_reserving_releasing_and_checking_stock_never_scans_a_whole_table(
    busy_engine: AsyncEngine,
) -> None:
    reservations = SqlReservationRepository(busy_engine)
    stock = SqlStockRepository(busy_engine)
    taken = [ReservationItem("sku7", 2), ReservationItem("sku8", 1)]
    order_number = "00000000-0000-4000-a000-000000000001"

    with statements_sent(busy_engine) as sent:
        await reservations.reserve(order_number, taken)
        await reservations.reserve(
            "00000000-0000-4000-a000-000000000002", [ReservationItem("sku9", 5000)]
        )
        await reservations.get(order_number)
        await reservations.release(order_number)
        await reservations.release("00000000-0000-4000-a000-000000000003")
        await stock.quantities(["sku1", "sku2", "sku3", "sku4", "sku5"])

    plans = await plans_reading_tables(busy_engine, sent)
    assert len(plans) >= 6, f"expected the reads and updates to be captured, got {list(plans)}"
    assert full_scans(plans) == {}
