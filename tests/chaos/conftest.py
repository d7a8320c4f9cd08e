import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.private_mariadb import private_mariadb

from .stack import ChaosStack


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChaosStack]:
    """The four services on a private MariaDB, started once for every fault in turn."""
    workdir = tmp_path_factory.mktemp("chaos")
    with private_mariadb(workdir / "mariadb") as database:
        stack = ChaosStack(workdir, database)
        try:
            stack.start()
            yield stack
        finally:
            stack.close()


class Figures:
    """One row per fault, rewritten to a JSON file after each, for docs/reliability.md."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = []

    def record(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.path.write_text(json.dumps(self.rows, indent=2) + "\n")
        # Shown with `pytest -rP`, so whoever refreshes the table sees where it is.
        print(json.dumps(row))
        print(f"figures of every fault so far: {self.path}")


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    return Figures(tmp_path_factory.mktemp("chaos-figures") / "figures.json")
