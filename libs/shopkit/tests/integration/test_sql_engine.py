"""shopkit's engine on the real MariaDB: pooled connections the server dropped."""

import asyncio
from collections.abc import AsyncIterator, Callable

import asyncmy
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shopkit.sql import create_engine


@pytest.fixture
async def engine(mariadb_database_factory: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(mariadb_database_factory("engine"), ping_if_idle_seconds=0.2)
    yield engine
    await engine.dispose()


async def connection_id(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT CONNECTION_ID()")))


async def kill(server_connection_id: int) -> None:
    admin = await asyncmy.connect(host="127.0.0.1", user="root")
    try:
        async with admin.cursor() as cursor:
            await cursor.execute(f"KILL {server_connection_id}")
    finally:
        admin.close()


async def test_a_pooled_connection_the_server_dropped_while_idle_is_replaced_before_use(
    engine: AsyncEngine,
) -> None:
    dropped = await connection_id(engine)
    await kill(dropped)
    await asyncio.sleep(0.3)

    assert await connection_id(engine) != dropped


async def test_a_connection_in_steady_use_is_reused_as_it_is(engine: AsyncEngine) -> None:
    first = await connection_id(engine)

    assert await connection_id(engine) == first
