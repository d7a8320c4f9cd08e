"""`make lint` enforces the layering of docs/architecture.md: the contracts bite.

Each test lints a copy of the services' packages (placed ahead of the installed ones on the
path) with the repository's own import-linter contracts, after planting one bad import.
"""

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = [
    REPO / "libs/shopkit/src/shopkit",
    *sorted(REPO.glob("services/*/src/*_service")),
]


def lint(tmp_path: Path, plant: Callable[[Path], None] | None = None) -> str:
    """Run lint-imports over a copy of the packages; the output, or raise if it passed."""
    for package in PACKAGES:
        shutil.copytree(package, tmp_path / package.name, ignore=shutil.ignore_patterns("*.pyc"))
    if plant is not None:
        plant(tmp_path)
    result = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}"


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_tree_keeps_every_layering_contract(tmp_path: Path) -> None:
    output = lint(tmp_path)

    assert output.startswith("exit 0"), output
    assert "BROKEN" not in output


@pytest.mark.parametrize("service", ["product", "inventory", "order"])
def test_a_domain_module_importing_a_framework_fails_the_lint(tmp_path: Path, service: str) -> None:
    output = lint(
        tmp_path, lambda root: append(root / f"{service}_service/domain.py", "import fastapi")
    )

    assert not output.startswith("exit 0"), output
    assert "the domain and the use cases import no framework or driver BROKEN" in output


@pytest.mark.parametrize("service", ["product", "inventory", "order"])
def test_an_adapter_importing_a_route_fails_the_lint(tmp_path: Path, service: str) -> None:
    def plant(root: Path) -> None:
        adapter = next(
            p
            for p in sorted((root / f"{service}_service/adapters").glob("*.py"))
            if p.name != "__init__.py"
        )
        append(adapter, f"import {service}_service.api.deps")

    output = lint(tmp_path, plant)

    assert not output.startswith("exit 0"), output
    assert f"{service}: api -> service | adapters -> ports -> domain BROKEN" in output


def test_a_use_case_importing_an_adapter_fails_the_lint(tmp_path: Path) -> None:
    output = lint(
        tmp_path,
        lambda root: append(root / "order_service/service.py", "import order_service.adapters.sql"),
    )

    assert not output.startswith("exit 0"), output
    assert "order: api -> service | adapters -> ports -> domain BROKEN" in output
