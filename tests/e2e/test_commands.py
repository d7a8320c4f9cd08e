"""The services' own command lines, as a deploy step runs them."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("service", "tables"),
    [
        ("inventory", {"inventory", "reservations", "reservation_lines"}),
        ("order", {"orders", "order_lines"}),
        ("identity", {"users", "user_roles", "refresh_tokens", "signing_keys"}),
    ],
)
def test_migrate_brings_an_empty_database_to_the_current_schema(
    tmp_path: Path, service: str, tables: set[str]
) -> None:
    database = tmp_path / f"{service}.db"
    env = os.environ | {f"{service.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}

    for _ in range(2):  # a second run finds the schema at head and changes nothing
        subprocess.run(
            [sys.executable, "-m", f"{service}_service", "migrate"],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    with sqlite3.connect(database) as connection:
        found = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert tables | {f"alembic_version_{service}"} <= found
