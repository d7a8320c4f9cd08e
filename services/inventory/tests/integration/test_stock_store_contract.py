"""The SQL stock store on SQLite and on the real MariaDB: one contract for both."""

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from inventory_service.adapters.sql import SqlStockRepository
from inventory_service.adapters.tables import inventory
from inventory_service.config import Settings
from inventory_service.main import migrate


async def test_quantities_are_read_for_known_skus_only(migrated_engine: AsyncEngine) -> None:
    stock = SqlStockRepository(migrated_engine)
    await stock.set_quantity("a", 3)
    await stock.set_quantity("b", 0)

    assert await stock.quantities(["a", "b", "missing"]) == {"a": 3, "b": 0}


async def test_setting_a_quantity_creates_then_replaces(migrated_engine: AsyncEngine) -> None:
    stock = SqlStockRepository(migrated_engine)
    await stock.set_quantity("a", 3)
    await stock.set_quantity("a", 9)

    assert await stock.quantities(["a"]) == {"a": 9}
    assert await stock.count() == 1


async def test_sku_codes_are_case_sensitive(migrated_engine: AsyncEngine) -> None:
    stock = SqlStockRepository(migrated_engine)
    await stock.set_quantity("Mug", 1)
    await stock.set_quantity("mug", 2)

    assert await stock.quantities(["mug", "Mug", "MUG"]) == {"mug": 2, "Mug": 1}


async def test_the_schema_refuses_negative_stock(migrated_engine: AsyncEngine) -> None:
    # SQLite reports an IntegrityError, MariaDB an OperationalError (4025): both DBAPIErrors.
    with pytest.raises(DBAPIError, match=r"ck_inventory_quantity_not_negative|CHECK"):
        async with migrated_engine.begin() as connection:
            await connection.execute(insert(inventory).values(sku_code="a", quantity=-1))

    assert await SqlStockRepository(migrated_engine).count() == 0


async def test_migrating_twice_changes_nothing(
    migrated_engine: AsyncEngine, inventory_database_url: str
) -> None:
    stock = SqlStockRepository(migrated_engine)
    await stock.set_quantity("a", 1)

    await migrate(Settings(database_url=inventory_database_url))

    assert await stock.quantities(["a"]) == {"a": 1}


async def test_skus_below_a_threshold_are_counted(migrated_engine: AsyncEngine) -> None:
    stock = SqlStockRepository(migrated_engine)
    for sku, quantity in {"a": 0, "b": 4, "c": 5, "d": 100}.items():
        await stock.set_quantity(sku, quantity)

    assert await stock.count_below(5) == 2
