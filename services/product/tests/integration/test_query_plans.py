"""Every catalog query on MariaDB is answered through an index (EXPLAIN)."""

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from product_service.adapters.sql import SqlProductRepository
from product_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from shopkit.sql import create_engine, upgrade_schema
from testkit.query_plans import full_scans, plans_reading_tables, statements_sent

# Enough that MariaDB's optimizer prefers an index where one fits: on a few hundred rows it
# rightly reads the whole table instead. Filled in one statement (seq_1_to_N).
PRODUCTS_ON_FILE = 20_000
FILL = (
    "INSERT INTO products (id, sku_code, name, description, price_minor)"
    " SELECT LPAD(HEX(seq), 24, '0'), CONCAT('sku', LPAD(seq, 6, '0')), CONCAT('Product ', seq),"
    f" '', 999 FROM seq_1_to_{PRODUCTS_ON_FILE}"
)


@pytest.fixture
async def busy_engine(mariadb_database_factory: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    """A MariaDB catalog of 20,000 products."""
    engine = create_engine(mariadb_database_factory("product_plans"))
    await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(FILL)
        await connection.exec_driver_sql("ANALYZE TABLE products")
    yield engine
    await engine.dispose()


async def test_listing_and_looking_up_products_never_scans_a_whole_table(
    busy_engine: AsyncEngine,
) -> None:
    products = SqlProductRepository(busy_engine)

    with statements_sent(busy_engine) as sent:
        await products.list_page(offset=0, limit=100)
        await products.find_by_skus(["sku000001", "sku000002", "sku019999"])
        await products.get("00000000000000000000000A")

    plans = await plans_reading_tables(busy_engine, sent)
    assert len(plans) == 3, f"expected the three reads to be captured, got {list(plans)}"
    assert full_scans(plans) == {}
