"""The platform's services as real processes, the way production runs them: `python -m <module>`
each on a free loopback port, wired to one another, ready when its readiness probe answers,
stopped by a signal, its output in a log file.

The one launcher behind `make bench` (bench/stack.py), the end-to-end tests
(tests/e2e/stack.py, which also runs `make up` itself) and the live monitoring tests
(tests/monitoring/live.py).

With the identity service among them, every service verifies its tokens (AUTH_ISSUER), and
the service clients' secrets are generated into owner-only files, as a deployment's secret
store would hand them over: the identity service and the order service read the same file.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from testkit.credentials import client_credentials_token, write_secret
from testkit.network import free_port

MODULES: Mapping[str, str] = {
    "identity": "identity_service",
    "product": "product_service",
    "inventory": "inventory_service",
    "order": "order_service",
    "gateway": "gateway",
}
"""Each service of the platform and the module `python -m` runs for it."""

# The services each one calls: the caller reads <CALLER>_<CALLEE>_URL.
CALLS: Mapping[str, tuple[str, ...]] = {
    "order": ("product", "inventory"),
    "gateway": ("product", "inventory", "order"),
}
# The services that serve their metrics, info and API documents on a management port of their
# own (<NAME>_MANAGEMENT_PORT), apart from the port they serve their API on.
WITH_MANAGEMENT_PORT = frozenset({"gateway"})
IDENTITY = "identity"
GATEWAY = "gateway"
SERVICE_CLIENTS: Mapping[str, str] = {"order-service": "ORDER_SERVICE", "smoke": "SMOKE"}
"""The identity service's service clients, and the infix of IDENTITY_<X>_CLIENT_SECRET_FILE."""
STOREFRONT = "storefront"
"""The gateway's own client (confidential): IDENTITY_STOREFRONT_CLIENT_SECRET_FILE."""
CLIENT_OF: Mapping[str, str] = {"order": "order-service"}
"""The services that call others with a token of their own: <NAME>_CLIENT_SECRET_FILE."""
READINESS = "/actuator/health/readiness"
# Past the services' own drain (shutdown_grace_seconds, 10 s by default).
STOP_TIMEOUT = 15.0
LOG_TAIL = 3000


class LaunchError(RuntimeError):
    """A launched process exited, or did not become ready in time."""


def inherited_environment() -> dict[str, str]:
    """This process's environment without any variable of the platform's own (a service
    prefix, OTEL_*): a launched service reads only what its launcher gives it."""
    own = (*(f"{name.upper()}_" for name in MODULES), "OTEL_", "AUTH_")
    return {key: value for key, value in os.environ.items() if not key.startswith(own)}


def service_environment(
    service: str,
    port: int,
    database_url: str | None = None,
    management_port: int | None = None,
) -> dict[str, str]:
    """The variables that bind `service` to 127.0.0.1:`port` (and give it `database_url`).

    Prefixed, so that one environment can hold every service's: they win over the
    unprefixed HOST/PORT that a process manager such as honcho sets. A service with a
    management port gets `management_port`, or a free one: never its fixed default, which
    two launched stacks would both try to bind.
    """
    prefix = service.upper()
    variables = {f"{prefix}_HOST": "127.0.0.1", f"{prefix}_PORT": str(port)}
    if database_url is not None:
        variables[f"{prefix}_DATABASE_URL"] = database_url
    if service in WITH_MANAGEMENT_PORT:
        variables[f"{prefix}_MANAGEMENT_HOST"] = "127.0.0.1"
        variables[f"{prefix}_MANAGEMENT_PORT"] = str(management_port or free_port())
    return variables


def spawn(
    args: Sequence[str],
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    own_process_group: bool = False,
) -> subprocess.Popen[bytes]:
    """Start `args` with no input and its output appended to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=own_process_group,
        )


def stop(
    process: subprocess.Popen[bytes],
    how: signal.Signals = signal.SIGTERM,
    timeout: float = STOP_TIMEOUT,
    whole_group: bool = False,
) -> int:
    """Send `how` (to the process, or to its whole process group) and wait for the exit.

    Whatever still runs after `timeout` is killed, and that is an error: a service that does
    not stop on its signal is a bug to see, not to hide.
    """
    if process.poll() is None:
        _send(process, how, whole_group)
    return _reap(process, timeout, whole_group)


def _send(process: subprocess.Popen[bytes], how: signal.Signals, whole_group: bool) -> None:
    if whole_group:
        os.killpg(process.pid, how)
    else:
        process.send_signal(how)


def _reap(process: subprocess.Popen[bytes], timeout: float, whole_group: bool) -> int:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _send(process, signal.SIGKILL, whole_group)
        process.wait()
        raise


@contextmanager
def running(
    args: Sequence[str], log: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`args` running for the duration of the block (its output in `log`), then stopped."""
    process = spawn(args, log, env)
    try:
        yield process
    finally:
        stop(process)


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + READINESS, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass(frozen=True)
class Launched:
    """One service as started: its base URL, the process serving it, and where it logs."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def failure(self, what: str) -> LaunchError:
        """The error that says `what` happened to this service, with the end of its log."""
        tail = self.log.read_text(errors="replace")[-LOG_TAIL:] if self.log.exists() else ""
        return LaunchError(f"{self.name} {what}; the end of {self.log}:\n{tail}")


def wait_until_ready(
    launched: Iterable[Launched], timeout: float = 60, interval: float = 0.05
) -> None:
    """Poll each readiness probe until all answer; fail as soon as one's process exits, or
    with the first laggard's log after `timeout` seconds."""
    waiting = list(launched)
    deadline = time.monotonic() + timeout
    while True:
        for service in waiting:
            if service.process.poll() is not None:
                raise service.failure(f"exited with status {service.process.returncode}")
        waiting = [service for service in waiting if not _is_ready(service.url)]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise waiting[0].failure(f"is not ready after {timeout} s")
        time.sleep(interval)


class ServiceProcesses:
    """Some of the platform's services, each its own `python -m` process on a free loopback
    port (kept across restarts), wired to the others launched here. Each can be stopped and
    started again alone; leaving the block (or `close`) stops all."""

    def __init__(
        self,
        names: Iterable[str],
        log_of: Callable[[str], Path],
        databases: Mapping[str, str] | None = None,
        demo_data: bool = False,
        env: Mapping[str, str] | None = None,
        secrets_dir: Path | None = None,
        env_of: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """`log_of(name)`: the file a service logs to; `databases`: each one's database URL;
        `demo_data`: seed the demo data where a service has some; `env`: for every service;
        `secrets_dir`: where the generated secrets go (a temporary directory, removed on
        close, by default); `env_of`: one service's own variables, over the others (a peer's
        URL that points at a proxy, say), read again at each start of that service."""
        self.ports = {name: free_port() for name in names}
        self.management_ports = {
            name: free_port() for name in self.ports if name in WITH_MANAGEMENT_PORT
        }
        self._log_of = log_of
        self._databases = dict(databases or {})
        self._demo_data = demo_data
        self._env = dict(env or {})
        self.env_of = {name: dict(variables) for name, variables in (env_of or {}).items()}
        self._running: dict[str, Launched] = {}
        self._temporary_secrets = secrets_dir is None
        self.secrets_dir = secrets_dir or Path(tempfile.mkdtemp(prefix="shopstack-secrets-"))
        if IDENTITY in self.ports:
            for client in (*SERVICE_CLIENTS, STOREFRONT):
                write_secret(self.secret_file(client))

    def secret_file(self, client_id: str) -> Path:
        """The file the secret of service client `client_id` is in."""
        return self.secrets_dir / client_id

    @property
    def admin_password_file(self) -> Path:
        """Where the identity service writes the local admin's generated password."""
        return self.secrets_dir / "admin-password"

    @property
    def gateway_sessions_file(self) -> Path:
        """The gateway's session store (SQLite): signed-in browsers' tokens."""
        return self.secrets_dir / "gateway-sessions.db"

    def access_token(self, client_id: str = "smoke") -> str:
        """A fresh client-credentials token of `client_id` from the launched identity service."""
        secret = self.secret_file(client_id).read_text().strip()
        return client_credentials_token(self.urls[IDENTITY] + "/token", client_id, secret)

    @property
    def urls(self) -> dict[str, str]:
        """Each service's base URL, started or not."""
        return {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}

    def _environment(self, name: str) -> dict[str, str]:
        prefix = name.upper()
        urls = self.urls
        peers = {
            f"{prefix}_{callee.upper()}_URL": urls[callee]
            for callee in CALLS.get(name, ())
            if callee in urls
        }
        demo = {f"{prefix}_DEMO_DATA": "true"} if self._demo_data else {}
        return (
            inherited_environment()
            | self._env
            | peers
            | demo
            | self._auth_environment(name)
            | self.env_of.get(name, {})
            | service_environment(
                name,
                self.ports[name],
                self._databases.get(name),
                self.management_ports.get(name),
            )
        )

    def _auth_environment(self, name: str) -> dict[str, str]:
        if IDENTITY not in self.ports:
            return {}
        issuer = self.urls[IDENTITY]
        variables = {"AUTH_ISSUER": issuer}
        if name == IDENTITY:
            variables["IDENTITY_ISSUER"] = issuer
            variables["IDENTITY_ADMIN_PASSWORD_FILE"] = str(self.admin_password_file)
            for client, infix in SERVICE_CLIENTS.items():
                variables[f"IDENTITY_{infix}_CLIENT_SECRET_FILE"] = str(self.secret_file(client))
        if name in CLIENT_OF:
            variables[f"{name.upper()}_CLIENT_SECRET_FILE"] = str(self.secret_file(CLIENT_OF[name]))
        if GATEWAY in self.ports:
            variables |= self._storefront_environment(name)
        return variables

    def _storefront_environment(self, name: str) -> dict[str, str]:
        """The gateway signs browsers in at the identity service: its public URL is the
        storefront client's registered redirect, and its session store holds tokens."""
        storefront = self.urls[GATEWAY]
        secret_file = str(self.secret_file(STOREFRONT))
        if name == IDENTITY:
            return {
                "IDENTITY_STOREFRONT_REDIRECT_URIS": storefront + "/auth/callback",
                "IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS": storefront + "/",
                "IDENTITY_STOREFRONT_CLIENT_SECRET_FILE": secret_file,
            }
        if name == GATEWAY:
            return {
                "GATEWAY_OIDC_CLIENT_SECRET_FILE": secret_file,
                "GATEWAY_PUBLIC_URL": storefront,
                "GATEWAY_SESSION_STORE_URL": f"sqlite+aiosqlite:///{self.gateway_sessions_file}",
            }
        return {}

    def start(self, *names: str) -> None:
        """Start these services (all by default), without waiting for them."""
        for name in names or self.ports:
            log = self._log_of(name)
            process = spawn([sys.executable, "-m", MODULES[name]], log, self._environment(name))
            self._running[name] = Launched(name, self.urls[name], process, log)

    def wait_ready(self, *names: str, timeout: float = 60, interval: float = 0.05) -> None:
        """Until these services (all started ones by default) answer their readiness probe."""
        wait_until_ready(
            [self._running[name] for name in names or self._running], timeout, interval
        )

    def process(self, name: str) -> subprocess.Popen[bytes]:
        """The process serving `name` now."""
        return self._running[name].process

    def stop(self, name: str) -> None:
        """Stop one service with SIGTERM: a graceful shutdown, as Kubernetes does it."""
        stop(self._running.pop(name).process)

    def kill(self, name: str) -> None:
        """kill -9 one service: no drain, no shutdown hook, requests in flight cut off."""
        stop(self._running.pop(name).process, signal.SIGKILL)

    def close(self) -> None:
        """Stop every service still running, all at once."""
        stopping = list(self._running.values())
        self._running.clear()
        # One SIGTERM each, then the waits: a second signal would make uvicorn skip its drain.
        for service in stopping:
            if service.process.poll() is None:
                service.process.terminate()
        for service in stopping:
            _reap(service.process, STOP_TIMEOUT, whole_group=False)
        if self._temporary_secrets:
            shutil.rmtree(self.secrets_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
