"""Real servers on loopback for the gateway tests: stand-ins for the services that record every
request that reaches them, the gateway in front of them, and a client that sends a request
target byte for byte (aiohttp and browsers normalise dot segments before sending)."""

import asyncio
import http.client
import json
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.config import Settings
from gateway.main import create_app
from testkit.live_server import serve_in_thread
from testkit.network import free_port
from testkit.tls import Certificate

SERVICES = ("product", "inventory", "order")
EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


@dataclass(frozen=True)
class Seen:
    """One request as it reached a stand-in service."""

    method: str
    raw_path: bytes
    query: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        """Every value of header `name`, in the order sent."""
        return [value for key, value in self.headers if key == name.lower()]


@dataclass
class StandIn:
    """A service that records whatever reaches it, on any path and method, and answers:

    - ``/actuator/health``: 503 DOWN;
    - ``?answer=slow``: after 3 s;
    - ``?answer=conflict``: a 409 problem with Retry-After;
    - ``?answer=unauthenticated``: a 401 problem with an RFC 6750 challenge;
    - anything else: 201 with a Location and a Set-Cookie.
    """

    name: str
    seen: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._record, methods=EVERY_METHOD)])

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self.seen)

    def clear(self) -> None:
        with self._lock:
            self.seen.clear()

    async def _record(self, request: Request) -> Response:
        seen = Seen(
            method=request.method,
            raw_path=request.scope["raw_path"],
            query=request.url.query,
            headers=[(key.lower(), value) for key, value in request.headers.items()],
            body=await request.body(),
        )
        with self._lock:
            self.seen.append(seen)
        answer = request.query_params.get("answer")
        if request.url.path == "/actuator/health":
            return Response('{"status":"DOWN"}', 503, media_type="application/json")
        if answer == "slow":
            await asyncio.sleep(3)
        if answer == "conflict":
            return Response(
                '{"type":"urn:shopstack:problem:insufficient-stock","status":409}',
                409,
                media_type="application/problem+json",
                headers={"Retry-After": "1"},
            )
        if answer == "unauthenticated":
            return Response(
                '{"type":"urn:shopstack:problem:unauthenticated","status":401}',
                401,
                media_type="application/problem+json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return Response(
            json.dumps({"service": self.name}),
            201,
            media_type="application/json",
            headers={"Location": "/api/order/1", "Set-Cookie": "tracking=1"},
        )


@dataclass(frozen=True)
class Gateway:
    """A running gateway: its public URL and its management URL."""

    url: str
    management_url: str


@contextmanager
def running_gateway(
    upstreams: dict[str, str],
    port: int | None = None,
    tls: Certificate | None = None,
    **settings: Any,
) -> Iterator[Gateway]:
    """The gateway under real uvicorn in front of `upstreams` (service name -> base URL), its
    management endpoints on a free port of their own, its sessions in a file of its own."""
    management_port = free_port()
    port = port or free_port()
    defaults = {"public_url": f"{'https' if tls else 'http'}://127.0.0.1:{port}"}
    with tempfile.TemporaryDirectory(prefix="gateway-sessions-") as sessions:
        defaults["session_store_url"] = f"sqlite+aiosqlite:///{sessions}/sessions.db"
        config = Settings(
            product_url=upstreams["product"],
            inventory_url=upstreams["inventory"],
            order_url=upstreams["order"],
            management_port=management_port,
            **{**defaults, **settings},
        )
        with serve_in_thread(create_app(config), port, tls) as url:
            yield Gateway(url, f"http://127.0.0.1:{management_port}")


@contextmanager
def serving_stand_ins() -> Iterator[dict[str, tuple[StandIn, str]]]:
    """A stand-in per service, each on its own port: name -> (stand-in, base URL)."""
    with ExitStack() as stack:
        yield {
            name: (stand_in, stack.enter_context(serve_in_thread(stand_in.app())))
            for name, stand_in in ((name, StandIn(name)) for name in SERVICES)
        }


@dataclass(frozen=True)
class RawAnswer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def send_raw(
    base_url: str, method: str, target: str, headers: dict[str, str] | None = None
) -> RawAnswer:
    """Send `method` `target` exactly as written: no client-side normalisation or quoting."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=5)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return RawAnswer(
            response.status,
            response.getheader("content-type") or "",
            response.read(),
            {name.lower(): value for name, value in response.getheaders()},
        )
    finally:
        connection.close()
