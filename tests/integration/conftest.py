from collections.abc import AsyncIterator, Callable, Iterator

import aiohttp
import pytest

from .platform import Platform, Shop, database_factory, running_platform

BACKENDS = ["mariadb", "sqlite"]


@pytest.fixture(scope="module", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Makes a fresh database per service on the backend under test."""
    mariadb = (
        request.getfixturevalue("mariadb_database_factory") if request.param == "mariadb" else None
    )
    return database_factory(request.param, tmp_path_factory.mktemp("platform"), mariadb)


@pytest.fixture(scope="module")
def platform(databases: Callable[[str], str]) -> Iterator[Platform]:
    with running_platform(databases) as running:
        yield running


@pytest.fixture
async def shop(platform: Platform) -> AsyncIterator[Shop]:
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as session:
        yield Shop(platform, session)
