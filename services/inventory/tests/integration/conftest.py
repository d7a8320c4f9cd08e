from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from inventory_service.core.config import Settings
from inventory_service.main import migrate
from shopkit.sql import create_engine


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
