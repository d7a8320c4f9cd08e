"""Real MariaDB databases, made and dropped per test run."""

import asyncio
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import asyncmy
import pytest

from testkit.availability import require

HOST = os.environ.get("MARIADB_HOST", "127.0.0.1")
PORT = int(os.environ.get("MARIADB_PORT", "3306"))
USER = os.environ.get("MARIADB_USER", "root")
PASSWORD = os.environ.get("MARIADB_PASSWORD", "")


async def _execute(
    statements: tuple[str, ...], host: str, port: int, user: str, password: str
) -> None:
    connection = await asyncmy.connect(
        host=host, port=port, user=user, password=password, connect_timeout=3
    )
    try:
        async with connection.cursor() as cursor:
            for statement in statements:
                await cursor.execute(statement)
    finally:
        connection.close()


def execute_now(
    *statements: str,
    host: str = HOST,
    port: int = PORT,
    user: str = USER,
    password: str = PASSWORD,
) -> None:
    """Run `statements` in order, to completion, from sync code, even inside a running event
    loop; on the machine's server unless told another."""
    with ThreadPoolExecutor(max_workers=1) as runner:
        runner.submit(asyncio.run, _execute(statements, host, port, user, password)).result()


def _reachable() -> bool:
    try:
        execute_now("SELECT 1")
    except Exception:
        return False
    return True


def require_mariadb() -> None:
    """Skip (locally) or fail (in CI) unless the real MariaDB server answers."""
    require(_reachable(), f"MariaDB is not reachable on {HOST}:{PORT}")


@pytest.fixture(scope="session")
def mariadb_database_factory() -> Iterator[Callable[[str], str]]:
    """Makes a fresh database on the real MariaDB and returns its SQLAlchemy URL.

    Every database made is dropped when the test session ends.
    """
    require_mariadb()
    made: list[str] = []

    def make_database(purpose: str) -> str:
        name = f"shopstack_test_{purpose}_{secrets.token_hex(4)}"
        execute_now(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        made.append(name)
        credentials = f"{USER}:{PASSWORD}" if PASSWORD else USER
        return f"mysql+asyncmy://{credentials}@{HOST}:{PORT}/{name}?charset=utf8mb4"

    yield make_database
    for name in made:
        execute_now(f"DROP DATABASE IF EXISTS `{name}`")
