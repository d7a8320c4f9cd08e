"""A MariaDB user for mysqld_exporter, made with the grants .my.cnf.example documents."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from testkit.mariadb import execute_now

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


@contextmanager
def exporter_user() -> Iterator[tuple[str, str]]:
    """(name, password) of a fresh exporter user, dropped afterwards."""
    name, password = f"shopstack_exporter_{secrets.token_hex(4)}", secrets.token_hex(12)
    execute_now(*documented_statements(name, password))
    try:
        yield name, password
    finally:
        execute_now(f"DROP USER IF EXISTS '{name}'@'%'")
