"""Prometheus metrics with Micrometer's names, so dashboards built for Spring keep working."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkit.tracing import sampled_trace_id

# Fits an SLO of 300 ms: fine resolution below it, coarse above.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_URI = "UNKNOWN"
CLIENT_CLOSED_REQUEST = 499
"""nginx's status for a client gone before its answer: a 4xx, so no 5xx alert counts it."""
REFRESH_TIMEOUT_SECONDS = 2.0

access_log = logging.getLogger("shopkit.access")
logger = logging.getLogger(__name__)


def outcome_of(status: int) -> str:
    """Micrometer's outcome label for an HTTP status."""
    return {
        1: "INFORMATIONAL",
        2: "SUCCESS",
        3: "REDIRECTION",
        4: "CLIENT_ERROR",
        5: "SERVER_ERROR",
    }.get(status // 100, "UNKNOWN")


@dataclass
class ServiceMetrics:
    """One registry per app, so several apps can live in one test process."""

    service: str
    version: str
    commit: str | None
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    _refreshers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.http_server_requests = Histogram(
            "http_server_requests_seconds",
            "Duration of HTTP requests handled by this service",
            ["method", "uri", "status", "outcome", "exception"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.http_server_client_disconnects = Counter(
            "http_server_client_disconnects",
            "Requests whose client went away before their answer was complete",
            ["method", "uri"],
            registry=self.registry,
        )
        self.http_client_requests = Histogram(
            "http_client_requests_seconds",
            "Duration of calls this service made to other services",
            ["client_name", "method", "uri", "status", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.db_up = Gauge(
            "db_up",
            "1 when the last health check reached the database, else 0",
            ["component"],
            registry=self.registry,
        )
        Gauge(
            "application_info",
            "Service name, version and git commit",
            ["service", "version", "commit"],
            registry=self.registry,
        ).labels(self.service, self.version, self.commit or "unknown").set(1)

    def refresh_before_scrape(self, refresh: Callable[[], Awaitable[None]]) -> None:
        """Run `refresh` before each scrape: for gauges read from a store (e.g. stock)."""
        self._refreshers.append(refresh)

    async def exposition(self, request: Request) -> Response:
        """The registry in the format the scraper asked for (OpenMetrics or text 0.0.4)."""
        for refresh in self._refreshers:
            try:
                await asyncio.wait_for(refresh(), REFRESH_TIMEOUT_SECONDS)
            except Exception:
                # A store that cannot answer leaves the gauge at its last value; db_up tells.
                logger.warning("metric refresh failed", exc_info=True)
        encoder, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encoder(self.registry), media_type=content_type)


class RequestObservabilityMiddleware:
    """Times every HTTP request into `http_server_requests_seconds` and writes the access log.

    The `uri` label is the matched route template; anything unmatched collapses to
    UNKNOWN, so a scanner probing random paths cannot grow the label set. A request whose
    client went away before its answer was complete is recorded as 499, counted in
    `http_server_client_disconnects_total` and logged once at INFO; what the app raised
    because the client was gone stops here, so it is never a 500 nor an ERROR record.
    """

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        exception = "None"
        answered = False
        abandoned = False

        async def receive_and_notice_disconnect() -> Message:
            nonlocal abandoned
            message = await receive()
            if message["type"] == "http.disconnect" and not answered:
                abandoned = True
            return message

        async def send_and_capture_status(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                answered = True
            await send(message)

        try:
            await self.app(scope, receive_and_notice_disconnect, send_and_capture_status)
        except Exception as exc:
            exception = type(exc).__name__
            status = 500
            if not abandoned:
                raise
        finally:
            if abandoned:
                status = CLIENT_CLOSED_REQUEST
            self._record(scope, status, exception, time.perf_counter() - started, abandoned)

    def _record(
        self, scope: Scope, status: int, exception: str, elapsed: float, abandoned: bool
    ) -> None:
        route = scope.get("route")
        uri = getattr(route, "path", None) or UNMATCHED_URI
        method = scope["method"]
        trace_id = sampled_trace_id()
        self.metrics.http_server_requests.labels(
            method, uri, str(status), outcome_of(status), exception
        ).observe(elapsed, exemplar={"trace_id": trace_id} if trace_id else None)
        if abandoned:
            self.metrics.http_server_client_disconnects.labels(method, uri).inc()
        # Probes and scrapes arrive every few seconds; keep them out of INFO.
        level = logging.DEBUG if uri.startswith("/actuator") else logging.INFO
        access_log.log(
            level,
            "%s %s %d%s",
            method,
            uri,
            status,
            " (client disconnected)" if abandoned else "",
            extra={
                "method": method,
                "route": uri,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "client_disconnected": abandoned,
            },
        )
