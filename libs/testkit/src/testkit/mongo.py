"""MongoDB for tests: a wire-protocol server from PyPI, or a real MongoDB when given one."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.availability import require
from testkit.network import free_port, wait_for_port

REAL_MONGODB_URI = os.environ.get("MONGODB_TEST_URI")


def _nx_27017() -> str | None:
    beside_python = Path(sys.executable).parent / "nx-27017"
    return str(beside_python) if beside_python.exists() else shutil.which("nx-27017")


@pytest.fixture(scope="session")
def mongo_wire_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Starts nx-27017 (a MongoDB wire-protocol server on SQLite) on a loopback port.

    Yields its ``mongodb://`` URL; the server stops with the test session.
    """
    executable = _nx_27017()
    require(executable is not None, "nx-27017 is not installed")
    assert executable is not None
    workdir = tmp_path_factory.mktemp("nx-27017")
    port = free_port()
    process = subprocess.Popen(
        [
            executable,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            "memory",
            "--log-file",
            str(workdir / "server.log"),
            "--pid-file",
            str(workdir / "server.pid"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        yield f"mongodb://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)


def mongo_database_url(server_url: str, database: str) -> str:
    """`server_url` with `database` as its default database."""
    return server_url.rstrip("/") + "/" + database
