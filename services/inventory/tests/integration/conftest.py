from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from inventory_service.config import Settings
from inventory_service.main import create_app, migrate
from shopkit.auth import AuthSettings
from shopkit.sql import create_engine
from testkit.live_server import serve_in_thread


@pytest.fixture(params=["sqlite", "mariadb"])
def inventory_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL for each SQL backend the inventory runs on."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/inventory.db"
    factory: Callable[[str], str] = request.getfixturevalue("mariadb_database_factory")
    return factory("inventory")


@pytest.fixture
async def migrated_engine(inventory_database_url: str) -> AsyncIterator[AsyncEngine]:
    await migrate(Settings(database_url=inventory_database_url))
    engine = create_engine(inventory_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "mariadb"])
def inventory_api(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    auth_settings: AuthSettings,
) -> Iterator[str]:
    """The inventory service on a fresh database, trusting the session's test issuer, served
    on loopback; one per test module and backend."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('inventory')}/inventory.db"
    else:
        url = request.getfixturevalue("mariadb_database_factory")("inventory_api")
    with serve_in_thread(create_app(Settings(database_url=url, auth=auth_settings))) as base_url:
        yield base_url


@pytest.fixture
async def http(inventory_api: str) -> AsyncIterator[aiohttp.ClientSession]:
    """An anonymous client of the inventory service."""
    async with aiohttp.ClientSession(base_url=inventory_api) as session:
        yield session


@pytest.fixture
async def admin(
    inventory_api: str, admin_headers: dict[str, str]
) -> AsyncIterator[aiohttp.ClientSession]:
    """A client of the inventory service that sends an admin's token."""
    async with aiohttp.ClientSession(base_url=inventory_api, headers=admin_headers) as session:
        yield session


@pytest.fixture
async def order_service(
    inventory_api: str, order_service_headers: dict[str, str]
) -> AsyncIterator[aiohttp.ClientSession]:
    """A client of the inventory service that sends the order service's own token."""
    async with aiohttp.ClientSession(
        base_url=inventory_api, headers=order_service_headers
    ) as session:
        yield session
