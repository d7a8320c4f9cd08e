"""Spring Boot Actuator-compatible endpoints, so existing probes and scrapers keep working.

Like Spring Boot's ``management.server.port``, an app can serve them on a port of its own
(`ManagementPort`, see `serving_management`): metrics, info and the API documents leave the
app's own port, and the health probes stay on both.
"""

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Collection, Generator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from shopkit.errors import problem_response
from shopkit.health import run_checks
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import wired_of

PREFIX = "/actuator"
PROBES = frozenset({f"{PREFIX}/health", f"{PREFIX}/health/liveness", f"{PREFIX}/health/readiness"})
"""Served on the app's own port as well, where the orchestrator's probes knock."""

ON_MANAGEMENT_PORT = "shopkit.management_port"
"""The ASGI scope key set on requests that came in through the management port."""

logger = logging.getLogger(__name__)

DOWN: dict[int | str, dict[str, Any]] = {
    503: {"description": "DOWN: a dependency does not answer", "content": {"application/json": {}}}
}
EXPOSITION: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {}, "application/openmetrics-text": {}}}
}


async def _health(request: Request, metrics: ServiceMetrics) -> JSONResponse:
    results = await run_checks(list(wired_of(request).health_checks))
    for component, ok in results.items():
        metrics.db_up.labels(component).set(1 if ok else 0)
    up = all(results.values())
    body: dict[str, Any] = {
        "status": "UP" if up else "DOWN",
        "components": {name: {"status": "UP" if ok else "DOWN"} for name, ok in results.items()},
    }
    return JSONResponse(body, status_code=200 if up else 503)


def create_router(metrics: ServiceMetrics) -> APIRouter:
    """The actuator endpoints of the service whose metrics are `metrics`."""
    router = APIRouter(prefix=PREFIX, tags=["actuator"])

    @router.get("/health", responses=DOWN)
    async def health(request: Request) -> JSONResponse:
        """Overall health: UP only when every dependency the service owns answers."""
        return await _health(request, metrics)

    @router.get("/health/readiness", responses=DOWN)
    async def readiness(request: Request) -> JSONResponse:
        """Ready for traffic: the service's own stores answer. Never other services."""
        return await _health(request, metrics)

    @router.get("/health/liveness")
    async def liveness() -> dict[str, str]:
        """The process serves requests. Touches no network, so a database blip restarts nothing."""
        return {"status": "UP"}

    @router.get("/info")
    async def info() -> dict[str, Any]:
        """Build name, version and git commit, in Spring's shape."""
        body: dict[str, Any] = {"build": {"name": metrics.service, "version": metrics.version}}
        if metrics.commit:
            body["git"] = {"commit": {"id": metrics.commit}}
        return body

    @router.get("/prometheus", response_class=PlainTextResponse, responses=EXPOSITION)
    async def prometheus(request: Request) -> Response:
        """Every metric of this service, in the format the scraper asks for."""
        return await metrics.exposition(request)

    return router


@dataclass(frozen=True)
class ManagementPort:
    """Where the management endpoints are served, apart from the app's own port."""

    host: str
    port: int


class ManagementPortUnavailableError(RuntimeError):
    """The management port cannot be bound: the service must not start without it."""


class PortSplitMiddleware:
    """Answers 404 for a management endpoint asked for on the app's own port, and for
    anything but a management endpoint or a probe asked for on the management port."""

    def __init__(self, app: ASGIApp, management_paths: Collection[str]) -> None:
        self.app = app
        self._management_paths = frozenset(management_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._serves(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
        else:
            request = Request(scope)
            response = problem_response(
                request, 404, "Not Found", f"{request.method} {request.url.path}: Not Found."
            )
            await response(scope, receive, send)

    def _serves(self, scope: Scope) -> bool:
        # The router matches the decoded path exactly; judged here with empty segments
        # dropped, so that no spelling of a management path slips through either way.
        path = "/" + "/".join(segment for segment in scope["path"].split("/") if segment)
        if path in PROBES:
            return True
        management = path == PREFIX or path.startswith(PREFIX + "/")
        management = management or any(
            path == served or path.startswith(served + "/") for served in self._management_paths
        )
        return management == (scope.get(ON_MANAGEMENT_PORT) is True)


class _ManagementServer(uvicorn.Server):
    """A uvicorn server inside the app's own: it stops when the app's lifespan ends."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The signals stay with the app's own server, which drains first and then ends the
        # lifespan, and with it this server.
        yield


def _bind(where: ManagementPort) -> socket.socket:
    family = socket.AF_INET6 if ":" in where.host else socket.AF_INET
    try:
        return socket.create_server((where.host, where.port), family=family)
    except OSError as exc:
        raise ManagementPortUnavailableError(
            f"the management port {where.host}:{where.port} cannot be bound: {exc.strerror}"
        ) from None


@asynccontextmanager
async def serving_management(
    app: ASGIApp,
    where: ManagementPort,
    state: Mapping[str, Any],
    shutdown_grace_seconds: float,
) -> AsyncIterator[None]:
    """`app` also served on `where`, with `state` as its lifespan state, for the duration.

    Meant to run inside the app's lifespan (see `shopkit.app.create_app`): the same process,
    event loop, object graph and metrics as the app's own port.
    """
    listening = _bind(where)

    async def through_management_port(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "state": dict(state), ON_MANAGEMENT_PORT: True}
        await app(scope, receive, send)

    server = _ManagementServer(
        uvicorn.Config(
            through_management_port,
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=int(shutdown_grace_seconds),
        )
    )
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        while not server.started:
            if serving.done():
                serving.result()
                raise ManagementPortUnavailableError("the management server stopped on start")
            await asyncio.sleep(0.01)
        host, port = listening.getsockname()[:2]
        logger.info("management endpoints served", extra={"host": host, "port": port})
        yield
    finally:
        server.should_exit = True
        await asyncio.gather(serving, return_exceptions=True)
        listening.close()
