"""The platform for the end-to-end tests: as `make up` runs it (one process group, stopped
with Ctrl-C), or each service its own process (testkit.processes) to stop one alone."""

import json
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.network import free_port
from testkit.processes import (
    MODULES,
    Launched,
    inherited_environment,
    service_environment,
    spawn,
    stop,
    wait_until_ready,
)
from testkit.processes import ServiceProcesses as Processes

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    """The platform as `make up` runs it."""

    process: subprocess.Popen[bytes]
    urls: dict[str, str]
    log: Path

    def get_json(self, service: str, path: str) -> Any:
        with urllib.request.urlopen(self.urls[service] + path, timeout=5) as response:
            return json.load(response)

    def put_json(self, service: str, path: str, body: object) -> Any:
        return self.send_json("PUT", service, path, body)

    def post_json(self, service: str, path: str, body: object) -> Any:
        return self.send_json("POST", service, path, body)

    def send_json(self, method: str, service: str, path: str, body: object) -> Any:
        request = urllib.request.Request(
            self.urls[service] + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl-C, as a terminal sends it: SIGINT to the whole process group."""
        return stop(self.process, signal.SIGINT, timeout, whole_group=True)


SERVICES = tuple(MODULES)


def _sqlite_databases(data_dir: Path) -> dict[str, str]:
    """One SQLite file under `data_dir` for each service that has a store, as `make up` runs."""
    return {
        name: f"sqlite+aiosqlite:///{data_dir}/{name}.db" for name in SERVICES if name != "gateway"
    }


@contextmanager
def make_up(data_dir: Path, log: Path, timeout: float = 60, **extra_env: str) -> Iterator[Stack]:
    """Run `make up` from the repository root with its data under `data_dir`."""
    ports = {name: free_port() for name in SERVICES}
    databases = _sqlite_databases(data_dir)
    env = inherited_environment()
    for name, port in ports.items():
        env |= service_environment(name, port, databases.get(name))
    # Its own process group: Ctrl-C reaches make, honcho and every service, as in a terminal.
    process = spawn(
        ["make", "--no-print-directory", "up"],
        log,
        env | extra_env,
        cwd=REPO,
        own_process_group=True,
    )
    stack = Stack(process, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, log)
    try:
        wait_until_ready(
            [Launched(name, url, process, log) for name, url in stack.urls.items()], timeout
        )
        yield stack
    finally:
        if process.poll() is None:
            stack.interrupt()


@contextmanager
def service_processes(data_dir: Path, log: Path, timeout: float = 60) -> Iterator[Processes]:
    """Run each service with ``python -m``, wired as the Procfile wires them, all logging to
    `log`."""
    with Processes(
        SERVICES, log_of=lambda _service: log, databases=_sqlite_databases(data_dir), demo_data=True
    ) as services:
        services.start()
        services.wait_ready(timeout=timeout)
        yield services
