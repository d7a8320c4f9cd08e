"""The store is brought to head by ``python -m product_service migrate``, or on start unless
PRODUCT_MIGRATE_ON_START=false: the SQL schema, or for MongoDB the catalog's indexes."""

import asyncio
import os
import sys
from decimal import Decimal

import aiohttp
import pytest
from alembic.script import ScriptDirectory
from pymongo import AsyncMongoClient
from sqlalchemy import Connection, inspect, text

from product_service.adapters.store import open_product_store
from product_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from product_service.config import Settings
from product_service.domain import DuplicateSkuError, Product, new_product_id
from product_service.main import create_app, migrate
from shopkit.sql import create_engine
from testkit.live_server import serve_in_thread

MONGO_SCHEMA = {"unique index on skuCode"}
SQL_SCHEMA = {"products", VERSION_TABLE}


def is_mongo(url: str) -> bool:
    return url.startswith("mongodb://")


def a_product(sku_code: str) -> Product:
    return Product(new_product_id(), sku_code, "Mug", "", Decimal("5.00"))


async def schema_of(url: str) -> set[str]:
    """The SQL store's tables, or the MongoDB catalog's indexes beyond ``_id``'s (by what
    they hold: wire servers name them their own way)."""
    if is_mongo(url):
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
        try:
            products = client.get_default_database()["products"]
            return {
                f"{'unique ' if index.get('unique') else ''}index on {', '.join(index['key'])}"
                async for index in await products.list_indexes()
                if list(index["key"]) != ["_id"]
            }
        finally:
            await client.close()

    def table_names(connection: Connection) -> list[str]:
        return inspect(connection).get_table_names()

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(table_names))
    finally:
        await engine.dispose()


async def sql_schema_version(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            version = await connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    finally:
        await engine.dispose()
    return None if version is None else str(version)


async def assert_at_head(url: str) -> None:
    if is_mongo(url):
        assert await schema_of(url) == MONGO_SCHEMA
    else:
        assert await schema_of(url) == SQL_SCHEMA
        assert await sql_schema_version(url) == ScriptDirectory(str(MIGRATIONS)).get_current_head()


async def run_product_service(*arguments: str, database_url: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "product_service",
        *arguments,
        env=os.environ | {"PRODUCT_DATABASE_URL": database_url},
    )
    return await asyncio.wait_for(process.wait(), timeout=60)


async def test_the_migrate_command_brings_an_empty_store_to_head(product_database_url: str) -> None:
    assert await schema_of(product_database_url) == set()

    assert await run_product_service("migrate", database_url=product_database_url) == 0

    await assert_at_head(product_database_url)


async def test_a_migrated_store_refuses_a_duplicate_sku_without_migrating_again(
    product_database_url: str,
) -> None:
    await migrate(Settings(database_url=product_database_url))

    async with open_product_store(product_database_url, migrate=False) as store:
        await store.repository.add(a_product("mug"))
        with pytest.raises(DuplicateSkuError):
            await store.repository.add(a_product("mug"))


async def test_migrating_a_store_at_head_again_keeps_its_data(product_database_url: str) -> None:
    product = a_product("kept")
    await migrate(Settings(database_url=product_database_url))
    async with open_product_store(product_database_url, migrate=False) as store:
        await store.repository.add(product)

    await migrate(Settings(database_url=product_database_url))

    await assert_at_head(product_database_url)
    async with open_product_store(product_database_url, migrate=False) as store:
        assert await store.repository.get(product.id) == product


async def test_the_service_migrates_its_store_on_start_by_default(
    product_database_url: str,
) -> None:
    with serve_in_thread(create_app(Settings(database_url=product_database_url))):
        await assert_at_head(product_database_url)


async def test_with_migrate_on_start_false_the_service_starts_without_migrating(
    product_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODUCT_MIGRATE_ON_START", "false")

    with serve_in_thread(create_app(Settings(database_url=product_database_url))) as base_url:
        async with (
            aiohttp.ClientSession(base_url=base_url) as http,
            http.get("/actuator/health/liveness") as response,
        ):
            assert response.status == 200

    assert await schema_of(product_database_url) == set()
