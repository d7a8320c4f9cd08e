"""A MariaDB user for mysqld_exporter, made with the grants .my.cnf.example documents."""

import asyncio
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import asyncmy

from testkit.mariadb import HOST, PASSWORD, PORT, USER

from .files import MONITORING

EXAMPLE = MONITORING / "mysqld-exporter" / ".my.cnf.example"


def documented_statements(user: str, password: str) -> list[str]:
    """The CREATE USER and GRANT statements of the example's comments, for `user`."""
    statements = re.findall(r"^#\s+((?:CREATE USER|GRANT) .+);$", EXAMPLE.read_text(), re.M)
    assert len(statements) == 2, statements
    return [
        statement.replace("'exporter'", f"'{user}'").replace("<password>", password)
        for statement in statements
    ]


async def _execute(*statements: str) -> None:
    connection = await asyncmy.connect(
        host=HOST, port=PORT, user=USER, password=PASSWORD, connect_timeout=3
    )
    try:
        async with connection.cursor() as cursor:
            for statement in statements:
                await cursor.execute(statement)
    finally:
        connection.close()


@contextmanager
def exporter_user() -> Iterator[tuple[str, str]]:
    """(name, password) of a fresh exporter user, dropped afterwards."""
    name, password = f"shopstack_exporter_{secrets.token_hex(4)}", secrets.token_hex(12)
    asyncio.run(_execute(*documented_statements(name, password)))
    try:
        yield name, password
    finally:
        asyncio.run(_execute(f"DROP USER IF EXISTS '{name}'@'%'"))
