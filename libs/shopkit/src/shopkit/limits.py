"""Limits at the service's edge: body, header and URL sizes, slow clients, overload.

`EdgeLimitsMiddleware` is pure ASGI (BaseHTTPMiddleware would buffer streamed answers): it
refuses a request whose URL, query or headers are too large before any route sees it, sheds
a request at once when the process already handles `max_in_flight` (never the actuator's
probes and scrapes), refuses a body larger than its cap without reading it when its
Content-Length says so and as soon as the count passes it when it is streamed, and refuses a
body not fully received within `body_timeout_seconds`. Every refusal is problem+json with the
problem types of `EDGE_PROBLEMS` (`shopkit.openapi` documents them), and closes the
connection when the request's body was not read to its end. `shopkit.server` bounds what
never reaches the app (connections, the size and time of a request head).
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkit.errors import PROBLEM_JSON, PROBLEM_TYPE_PREFIX
from shopkit.settings import ServiceSettings

EDGE_PROBLEMS: Mapping[int, tuple[str, str]] = {
    408: ("request-timeout", "Request timeout"),
    413: ("request-too-large", "Request too large"),
    414: ("uri-too-long", "URI too long"),
    431: ("request-header-fields-too-large", "Request header fields too large"),
    503: ("service-unavailable", "Service unavailable"),
}
"""The problem type (slug, title) of each status the edge answers with."""

NEVER_SHED = "/actuator/"
"""Probes and scrapes: an overloaded process must still say so, and be measured."""


@dataclass(frozen=True)
class Refusal:
    """One answer of the edge: its status, problem type, title, detail and headers."""

    status: int
    slug: str
    title: str
    detail: str
    headers: tuple[tuple[str, str], ...] = ()

    def body(self, instance: str | None) -> bytes:
        """The problem+json document, for the request at `instance` when it is known."""
        document: dict[str, Any] = {
            "type": PROBLEM_TYPE_PREFIX + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance is not None:
            document["instance"] = instance
        return orjson.dumps(document)


def _refusal(status: int, detail: str, headers: tuple[tuple[str, str], ...] = ()) -> Refusal:
    slug, title = EDGE_PROBLEMS[status]
    return Refusal(status, slug, title, detail, headers)


def too_large(max_bytes: int) -> Refusal:
    """The answer to a request body over `max_bytes`."""
    return _refusal(413, f"The request body is larger than {max_bytes} bytes.")


def header_fields_too_large(detail: str) -> Refusal:
    """The answer to a request head over its limits."""
    return _refusal(431, detail)


class _Refused(Exception):  # noqa: N818 -- a signal to unwind the app, not an error
    """Raised from `receive` once the body broke a limit: the app stops reading it."""


@dataclass(frozen=True)
class EdgeLimits:
    """What one service accepts at its edge (see `ServiceSettings`)."""

    max_body_bytes: int
    max_url_bytes: int
    max_query_params: int
    max_header_bytes: int
    max_header_count: int
    body_timeout_seconds: float
    max_in_flight: int
    retry_after_seconds: int

    @classmethod
    def of(cls, settings: ServiceSettings) -> "EdgeLimits":
        """The limits `settings` configure."""
        return cls(
            max_body_bytes=settings.max_body_bytes,
            max_url_bytes=settings.max_url_bytes,
            max_query_params=settings.max_query_params,
            max_header_bytes=settings.max_header_bytes,
            max_header_count=settings.max_header_count,
            body_timeout_seconds=settings.body_timeout_seconds,
            max_in_flight=settings.max_in_flight,
            retry_after_seconds=settings.overload_retry_after_seconds,
        )

    def refusal_of_head(self, scope: Scope) -> Refusal | None:
        """Why the request's line and headers are refused, or None."""
        url_bytes = len(scope.get("raw_path") or scope["path"]) + len(scope["query_string"])
        if url_bytes > self.max_url_bytes:
            return _uri_too_long(f"The URL is longer than {self.max_url_bytes} bytes.")
        parameters = sum(1 for field in scope["query_string"].split(b"&") if field)
        if parameters > self.max_query_params:
            return _uri_too_long(
                f"The query has {parameters} parameters; at most {self.max_query_params} "
                "are accepted."
            )
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        if len(headers) > self.max_header_count:
            return header_fields_too_large(
                f"The request has {len(headers)} header fields; at most "
                f"{self.max_header_count} are accepted."
            )
        if sum(len(name) + len(value) for name, value in headers) > self.max_header_bytes:
            return header_fields_too_large(
                f"The request's header fields are larger than {self.max_header_bytes} bytes."
            )
        declared = _content_length(headers)
        if declared is not None and declared > self.max_body_bytes:
            return too_large(self.max_body_bytes)
        return None

    def overloaded(self) -> Refusal:
        """The answer when the process already handles `max_in_flight` requests."""
        return _refusal(
            503,
            "The service is handling as many requests as it can; try again shortly.",
            (("retry-after", str(self.retry_after_seconds)),),
        )

    def timed_out(self) -> Refusal:
        """The answer to a body not fully received in time."""
        return _refusal(
            408, f"The request body was not received within {self.body_timeout_seconds:g} s."
        )


def _uri_too_long(detail: str) -> Refusal:
    return _refusal(414, detail)


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(
        (name == b"content-length" and value != b"0") or name == b"transfer-encoding"
        for name, value in headers
    )


async def send_refusal(send: Send, refusal: Refusal, instance: str | None, close: bool) -> None:
    """Answer `refusal`; with `close`, the connection is not kept for another request."""
    body = refusal.body(instance)
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        *((name.encode(), value.encode()) for name, value in refusal.headers),
    ]
    if close:
        # The rest of the body is never read, so the next bytes are not a request.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class EdgeLimitsMiddleware:
    """Refuses, as the module says, what the app must not take."""

    def __init__(self, app: ASGIApp, limits: EdgeLimits) -> None:
        self.app = app
        self.limits = limits
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_body = _has_body(scope["headers"])
        refusal = self.limits.refusal_of_head(scope)
        if refusal is not None:
            await send_refusal(send, refusal, scope["path"], close=has_body)
            return
        if scope["path"].startswith(NEVER_SHED):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limits.max_in_flight:
            await send_refusal(send, self.limits.overloaded(), scope["path"], close=has_body)
            return
        self.in_flight += 1
        try:
            await self._within_body_limits(scope, receive, send, has_body)
        finally:
            self.in_flight -= 1

    async def _within_body_limits(
        self, scope: Scope, receive: Receive, send: Send, has_body: bool
    ) -> None:
        limits = self.limits
        deadline = asyncio.get_running_loop().time() + limits.body_timeout_seconds
        pending = has_body
        received = 0
        refusal: Refusal | None = None
        started = False

        async def receive_within_limits() -> Message:
            nonlocal pending, received, refusal
            if not pending:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                refusal = limits.timed_out()
                raise _Refused from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limits.max_body_bytes:
                    refusal = too_large(limits.max_body_bytes)
                    raise _Refused
                pending = bool(message.get("more_body", False))
            return message

        async def send_unless_refused(message: Message) -> None:
            nonlocal started
            if refusal is not None:
                # The app's answer to the unwinding (FastAPI calls it a bad body): ours wins.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive_within_limits, send_unless_refused)
        except Exception:
            if refusal is None or started:
                raise
        if refusal is not None and not started:
            await send_refusal(send, refusal, scope["path"], close=True)


def install_edge_limits(app: FastAPI, settings: ServiceSettings) -> None:
    """Refuse what a service must not take: see the module's docstring."""
    app.add_middleware(EdgeLimitsMiddleware, limits=EdgeLimits.of(settings))
