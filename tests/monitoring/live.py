"""Real processes for the live monitoring tests: the four services, Prometheus, Alertmanager,
mysqld_exporter (all launched by testkit.processes), and a local stand-in for Slack's incoming
webhook."""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import yaml

from testkit.network import free_port, wait_for_port
from testkit.processes import ServiceProcesses
from testkit.processes import running as process

from .tools import binary

SERVICES = ("identity", "product", "inventory", "order")
T = TypeVar("T")


def wait_until(
    probe: Callable[[], T | None],
    timeout: float,
    what: str | Callable[[], str],
    interval: float = 0.25,
) -> T:
    """Poll `probe` until it returns something truthy; fail saying `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout}s: {what if isinstance(what, str) else what()}")
        time.sleep(interval)


def http(
    method: str,
    url: str,
    body: object | None = None,
    timeout: float = 5,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """One JSON request; returns (status, decoded body or None), 4xx and 5xx included."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"content-type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


class Services(ServiceProcesses):
    """product (on the MongoDB wire server), inventory, order and identity (on SQLite) as the real
    `python -m <name>_service` processes the Procfile runs, each stoppable on its own."""

    def __init__(
        self, workdir: Path, product_database_url: str, env: dict[str, str] | None = None
    ) -> None:
        super().__init__(
            SERVICES,
            log_of=lambda name: workdir / f"{name}.log",
            databases={
                "product": product_database_url,
                "inventory": f"sqlite+aiosqlite:///{workdir}/inventory.db",
                "order": f"sqlite+aiosqlite:///{workdir}/order.db",
                "identity": f"sqlite+aiosqlite:///{workdir}/identity.db",
            },
            demo_data=True,
            env={"LOG_LEVEL": "WARNING", **(env or {})},
        )


@dataclass
class Prometheus:
    """A running Prometheus's HTTP API."""

    url: str

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        status, body = http("GET", f"{self.url}/api/v1/{path}?{query}", timeout=10)
        assert status == 200, f"{path} {params}: {status} {body}"
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """The instant vector `expr` evaluates to now."""
        result: list[dict[str, Any]] = self.api("query", query=expr)["result"]
        return result


@contextmanager
def running_prometheus(config: dict[str, Any], workdir: Path, port: int) -> Iterator[Prometheus]:
    """Prometheus with `config` on 127.0.0.1:`port`, its data under `workdir`."""
    config_file = workdir / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    args = [
        binary("prometheus"),
        f"--config.file={config_file}",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--storage.tsdb.path={workdir / 'data'}",
        "--log.level=warn",
    ]
    with process(args, workdir / "prometheus.log"):
        wait_for_port(port)
        yield Prometheus(f"http://127.0.0.1:{port}")


@contextmanager
def running_alertmanager(config: dict[str, Any], workdir: Path, port: int) -> Iterator[str]:
    """Alertmanager with `config` on 127.0.0.1:`port`, alone (no gossip); yields its URL."""
    config_file = workdir / "alertmanager.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    args = [
        binary("alertmanager"),
        f"--config.file={config_file}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
        "--log.level=warn",
    ]
    with process(args, workdir / "alertmanager.log"):
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"


@dataclass
class SlackStandIn:
    """Records what Alertmanager's Slack integration POSTs (the incoming-webhook JSON)."""

    port: int = field(default_factory=free_port)
    messages: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/services/T000/B000/XXXX"

    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.messages)

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        """The first message for which `wanted` holds, waiting up to `timeout` seconds."""

        def found() -> dict[str, Any] | None:
            return next((message for message in self.received() if wanted(message)), None)

        return wait_until(found, timeout, lambda: f"not among {json.dumps(self.received())}")

    @contextmanager
    def serving(self) -> Iterator["SlackStandIn"]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                with stand_in._lock:
                    stand_in.messages.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


def slack_text(message: dict[str, Any]) -> str:
    """Everything a person reads in a Slack message: channel, titles, texts, links."""
    parts = [message.get("channel", "")]
    for attachment in message.get("attachments", []):
        parts += [attachment.get(key, "") for key in ("title", "title_link", "text")]
    return "\n".join(parts)
