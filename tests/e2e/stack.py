import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/actuator/health/readiness", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def make_up(data_dir: Path, log: Path, timeout: float = 60, **extra_env: str) -> Iterator[Stack]:
    """Run `make up` from the repository root with its data under `data_dir`."""
    ports = {"product": free_port(), "inventory": free_port(), "order": free_port()}
    env = (
        {key: value for key, value in os.environ.items() if not key.endswith("_DEMO_DATA")}
        | {
            "PRODUCT_PORT": str(ports["product"]),
            "INVENTORY_PORT": str(ports["inventory"]),
            "PRODUCT_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir}/product.db",
            "INVENTORY_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir}/inventory.db",
            "ORDER_PORT": str(ports["order"]),
            "ORDER_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir}/order.db",
        }
        | extra_env
    )
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
        deadline = time.monotonic() + timeout
        while not all(_ready(url) for url in stack.urls.values()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"make up did not become ready:\n{log.read_text()}")
            time.sleep(0.2)
        yield stack
    finally:
        if process.poll() is None:
            stack.interrupt()
