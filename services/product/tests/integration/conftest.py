import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

from product_service.adapters.store import ProductStore, open_product_store
from product_service.config import Settings
from product_service.main import create_app
from shopkit.auth import AuthSettings
from testkit.live_server import serve_in_thread
from testkit.mongo import REAL_MONGODB_URI, mongo_database_url

STORES = ["sqlite", "mariadb", "mongo-wire"] + (["mongodb"] if REAL_MONGODB_URI else [])


@pytest.fixture(params=STORES)
def product_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL for each product store the catalog runs on."""
    store = request.param
    if store == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/product.db"
    if store == "mariadb":
        factory: Callable[[str], str] = request.getfixturevalue("mariadb_database_factory")
        return factory("product")
    server = (
        REAL_MONGODB_URI if store == "mongodb" else request.getfixturevalue("mongo_wire_server")
    )
    assert server is not None
    return mongo_database_url(server, f"shopstack_test_{secrets.token_hex(4)}")


@pytest.fixture
async def product_store(product_database_url: str) -> AsyncIterator[ProductStore]:
    async with open_product_store(product_database_url, migrate=True) as store:
        yield store


@pytest.fixture(scope="module", params=["sqlite", "mariadb", "mongo-wire"])
def product_api(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    auth_settings: AuthSettings,
) -> Iterator[str]:
    """The product service on a fresh store, trusting the session's test issuer, served on
    loopback; one per test module and store."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('product')}/product.db"
    elif request.param == "mariadb":
        url = request.getfixturevalue("mariadb_database_factory")("product_api")
    else:
        server = request.getfixturevalue("mongo_wire_server")
        url = mongo_database_url(server, f"shopstack_api_{secrets.token_hex(4)}")
    with serve_in_thread(create_app(Settings(database_url=url, auth=auth_settings))) as base_url:
        yield base_url


@pytest.fixture
async def http(product_api: str) -> AsyncIterator[aiohttp.ClientSession]:
    """An anonymous client of the product service."""
    async with aiohttp.ClientSession(base_url=product_api) as session:
        yield session


@pytest.fixture
async def admin(
    product_api: str, admin_headers: dict[str, str]
) -> AsyncIterator[aiohttp.ClientSession]:
    """A client of the product service that sends an admin's token."""
    async with aiohttp.ClientSession(base_url=product_api, headers=admin_headers) as session:
        yield session
