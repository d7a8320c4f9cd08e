import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from product_service.adapters.store import ProductStore, open_product_store
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
