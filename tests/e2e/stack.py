"""The platform for the end-to-end tests: as `make up` runs it (one process group, stopped
with Ctrl-C), or each service its own process (testkit.processes) to stop one alone.

Both run the identity service: writes carry the smoke client's token (it has the admin
role), orders are placed as guests and read or cancelled with their guest secret. The
gateway signs browsers in at the identity service and keeps their tokens in a SQLite
session store under the data directory, which the tests read to know what must never
reach a browser.
"""

import json
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.credentials import client_credentials_token
from testkit.network import free_ports
from testkit.processes import (
    IDENTITY,
    MODULES,
    Launched,
    ServiceProcesses,
    inherited_environment,
    service_environment,
    spawn,
    stop,
    wait_until_ready,
)

Processes = ServiceProcesses

REPO = Path(__file__).resolve().parents[2]
SERVICES = tuple(MODULES)
SMOKE_CLIENT = "smoke"
GATEWAY_SESSIONS = "gateway-sessions.db"
"""The gateway's session store in the data directory, as `make up` keeps it in .data."""


@dataclass(frozen=True)
class Answer:
    """A status and its decoded JSON body (None when there is none)."""

    status: int
    body: Any
    headers: Mapping[str, str]


def call(
    url: str,
    method: str = "GET",
    body: object | None = None,
    *,
    token: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """One request; 4xx and 5xx answers are returned, not raised."""
    sent = {"accept": "application/json", **(headers or {})}
    if body is not None:
        sent["content-type"] = "application/json"
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers=sent,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw, answered = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, answered = error.code, error.read(), error.headers
    headers_by_name = {name.lower(): value for name, value in answered.items()}
    return Answer(status, json.loads(raw) if raw else None, headers_by_name)


def expect_status(answer: Answer, status: int) -> Any:
    """The body of `answer`, which must have `status`."""
    assert answer.status == status, f"expected {status}, got {answer.status}: {answer.body}"
    return answer.body


@dataclass
class Stack:
    """The platform as `make up` runs it."""

    process: subprocess.Popen[bytes]
    urls: dict[str, str]
    metrics_urls: dict[str, str]
    """Where each service's /actuator/prometheus is served (the gateway's management port)."""
    log: Path
    secrets_dir: Path
    data_dir: Path

    @property
    def admin_password_file(self) -> Path:
        """The local admin's generated password (IDENTITY_ADMIN_PASSWORD_FILE)."""
        return self.data_dir / "admin-password"

    @property
    def gateway_sessions_file(self) -> Path:
        """The gateway's SQLite session store (GATEWAY_SESSION_STORE_URL)."""
        return self.data_dir / GATEWAY_SESSIONS

    def stored_sessions(self) -> list[dict[str, Any]]:
        """Every session the gateway keeps: user, access, refresh and ID tokens, CSRF token."""
        with sqlite3.connect(self.gateway_sessions_file) as store:
            rows = store.execute(
                "SELECT record FROM gateway_records WHERE kind = 'session'"
            ).fetchall()
        return [json.loads(record) for (record,) in rows]

    def stored_session_of(self, email: str) -> dict[str, Any]:
        """The one session the gateway keeps for `email`."""
        found = [s for s in self.stored_sessions() if s["user"]["email"] == email]
        assert len(found) == 1, f"{len(found)} sessions for {email}"
        return found[0]

    def get_json(self, service: str, path: str) -> Any:
        return expect_status(call(self.urls[service] + path), 200)

    def admin_token(self) -> str:
        """A client-credentials token of the smoke client, which has the admin role."""
        return client_credentials_token(
            self.urls[IDENTITY] + "/token", SMOKE_CLIENT, self.client_secret(SMOKE_CLIENT)
        )

    def client_secret(self, client_id: str) -> str:
        return (self.secrets_dir / client_id).read_text().strip()

    def set_stock(self, sku: str, quantity: int) -> Any:
        answer = call(
            f"{self.urls['inventory']}/api/inventory/{sku}",
            "PUT",
            {"quantity": quantity},
            token=self.admin_token(),
        )
        return expect_status(answer, 200)

    def place_guest_order(self, lines: list[dict[str, Any]]) -> Any:
        """A guest's order (no token): its answer carries the guestSecret, this once."""
        answer = call(
            self.urls["order"] + "/api/order/create", "POST", {"orderLineItemsDtoList": lines}
        )
        return expect_status(answer, 201)

    def interrupt(self, timeout: float = 20) -> int:
        """Ctrl-C, as a terminal sends it: SIGINT to the whole process group."""
        return stop(self.process, signal.SIGINT, timeout, whole_group=True)


def _sqlite_databases(data_dir: Path) -> dict[str, str]:
    """One SQLite file under `data_dir` for each service that has a store, as `make up` runs."""
    return {
        name: f"sqlite+aiosqlite:///{data_dir}/{name}.db" for name in SERVICES if name != "gateway"
    }


def secret_files_environment(data_dir: Path) -> dict[str, str]:
    """The identity service's generated secrets under `data_dir`, where the Procfile keeps
    them under .data (the order service's and the gateway's files follow the identity
    service's there)."""
    return {
        "IDENTITY_ADMIN_PASSWORD_FILE": str(data_dir / "admin-password"),
        "IDENTITY_ORDER_SERVICE_CLIENT_SECRET_FILE": str(data_dir / "secrets" / "order-service"),
        "IDENTITY_SMOKE_CLIENT_SECRET_FILE": str(data_dir / "secrets" / SMOKE_CLIENT),
        "IDENTITY_STOREFRONT_CLIENT_SECRET_FILE": str(data_dir / "secrets" / "storefront"),
    }


@contextmanager
def make_up(data_dir: Path, log: Path, timeout: float = 60, **extra_env: str) -> Iterator[Stack]:
    """Run `make up` from the repository root with its data under `data_dir`."""
    *service_ports, gateway_management_port = free_ports(len(SERVICES) + 1)
    ports = dict(zip(SERVICES, service_ports, strict=True))
    databases = _sqlite_databases(data_dir)
    env = inherited_environment() | secret_files_environment(data_dir)
    for name, port in ports.items():
        management = gateway_management_port if name == "gateway" else None
        env |= service_environment(name, port, databases.get(name), management)
    env["GATEWAY_SESSION_STORE_URL"] = f"sqlite+aiosqlite:///{data_dir / GATEWAY_SESSIONS}"
    env["FAULTS_FLAG_FILE"] = str(data_dir / "fault-flags.json")
    # Its own process group: Ctrl-C reaches make, honcho and every service, as in a terminal.
    process = spawn(
        ["make", "--no-print-directory", "up"],
        log,
        env | extra_env,
        cwd=REPO,
        own_process_group=True,
    )
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    stack = Stack(
        process,
        urls,
        urls | {"gateway": f"http://127.0.0.1:{gateway_management_port}"},
        log,
        data_dir / "secrets",
        data_dir,
    )
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
        SERVICES,
        log_of=lambda _service: log,
        databases=_sqlite_databases(data_dir),
        demo_data=True,
        secrets_dir=data_dir / "secrets",
    ) as services:
        services.start()
        services.wait_ready(timeout=timeout)
        yield services
