from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from order_service.config import Settings
from order_service.main import migrate
from shopkit.sql import create_engine


@pytest.fixture(params=["sqlite", "mariadb"])
def order_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/order.db"
    factory: Callable[[str], str] = request.getfixturevalue("mariadb_database_factory")
    return factory("order")


@pytest.fixture
async def migrated_engine(order_database_url: str) -> AsyncIterator[AsyncEngine]:
    await migrate(Settings(database_url=order_database_url))
    engine = create_engine(order_database_url)
    yield engine
    await engine.dispose()
