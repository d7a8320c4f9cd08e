import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.network import free_port

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
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=timeout)


SERVICES = ("product", "inventory", "order", "gateway")


def _platform_env(data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    """The environment `make up` would run in, with free ports and data under `data_dir`."""
    env = {key: value for key, value in os.environ.items() if not key.endswith("_DEMO_DATA")}
    for name, port in ports.items():
        env[f"{name.upper()}_PORT"] = str(port)
        if name != "gateway":
            env[f"{name.upper()}_DATABASE_URL"] = f"sqlite+aiosqlite:///{data_dir}/{name}.db"
    return env


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/actuator/health/readiness", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def make_up(data_dir: Path, log: Path, timeout: float = 60, **extra_env: str) -> Iterator[Stack]:
    """Run `make up` from the repository root with its data under `data_dir`."""
    ports = {name: free_port() for name in SERVICES}
    env = _platform_env(data_dir, ports) | extra_env
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "up"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    stack = Stack(process, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, log)
    try:
        _wait_until_ready(stack.urls.values(), [process], log, timeout)
        yield stack
    finally:
        if process.poll() is None:
            stack.interrupt()


def _wait_until_ready(
    urls: Iterable[str], processes: list[subprocess.Popen[bytes]], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not all(_ready(url) for url in urls):
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            raise RuntimeError(f"the platform did not become ready:\n{log.read_text()}")
        time.sleep(0.2)


@dataclass
class Processes:
    """Each service as its own process, so that one can be stopped alone."""

    processes: dict[str, subprocess.Popen[bytes]]
    urls: dict[str, str]

    def stop(self, service: str) -> None:
        process = self.processes[service]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)


@contextmanager
def service_processes(data_dir: Path, log: Path, timeout: float = 60) -> Iterator[Processes]:
    """Run each service with ``python -m``, wired as the Procfile wires them."""
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = _platform_env(data_dir, ports) | {
        "PRODUCT_DEMO_DATA": "true",
        "INVENTORY_DEMO_DATA": "true",
        "ORDER_PRODUCT_URL": urls["product"],
        "ORDER_INVENTORY_URL": urls["inventory"],
        "GATEWAY_PRODUCT_URL": urls["product"],
        "GATEWAY_INVENTORY_URL": urls["inventory"],
        "GATEWAY_ORDER_URL": urls["order"],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    with log.open("ab") as output:
        for name in SERVICES:
            module = "gateway" if name == "gateway" else f"{name}_service"
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", module],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
    try:
        _wait_until_ready(urls.values(), list(processes.values()), log, timeout)
        yield Processes(processes, urls)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            process.wait(timeout=15)
