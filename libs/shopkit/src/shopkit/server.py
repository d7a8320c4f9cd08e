"""Running a service as one process.

uvicorn's httptools protocol (its fastest) bounds nothing before the app sees a request: a
head may grow without end, arrive a byte a minute, or never start on a connection left
open. `EdgeHttpProtocol` adds those bounds below `shopkit.limits`, whose own limits are
lower, so what a client can exceed on purpose is answered problem+json by the app; only a
head far past them is refused here (431 problem+json), and a head that never completes is
dropped with its connection.
"""

import asyncio
from typing import Any, ClassVar

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from shopkit.limits import header_fields_too_large
from shopkit.settings import ServiceSettings

HEAD_SLACK = 4
"""How far past the app's URL and header limits a head may grow before the server refuses
it: far enough that the app's problem+json answer comes first, near enough to bound memory."""


class EdgeHttpProtocol(HttpToolsProtocol):
    """httptools with a cap on connections, on the size of a request head and on its time.

    Subclassed per settings (`protocol_for`): uvicorn builds one instance per connection.
    """

    max_connections: ClassVar[int]
    max_head_bytes: ClassVar[int]
    head_timeout_seconds: ClassVar[float]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._head_bytes = 0
        self._awaiting_head = True
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        if len(self.connections) > self.max_connections:
            # A flood of connections is refused at once rather than each held open.
            self.transport.close()
            return
        # Also bounds a connection opened and never used: uvicorn arms its keep-alive
        # timer only after a first answer.
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._awaiting_head and self._head_bytes > self.max_head_bytes:
            self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_head = True
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._head_bytes = 0
        self._disarm_head_timer()
        super().on_headers_complete()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout_seconds, self._head_late)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        self._head_timer = None
        if self._awaiting_head and not self.transport.is_closing():
            self.transport.close()

    def _refuse_head(self) -> None:
        if self.transport.is_closing():
            return
        body = header_fields_too_large(
            f"The request head is larger than {self.max_head_bytes} bytes."
        ).body(None)
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: application/problem+json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()


def protocol_for(settings: ServiceSettings) -> type[EdgeHttpProtocol]:
    """The HTTP protocol with `settings`' bounds."""
    return type(
        "ServiceHttpProtocol",
        (EdgeHttpProtocol,),
        {
            "max_connections": settings.max_connections,
            "max_head_bytes": HEAD_SLACK * (settings.max_url_bytes + settings.max_header_bytes),
            "head_timeout_seconds": settings.body_timeout_seconds,
        },
    )


def server_config(app: ASGIApp, settings: ServiceSettings, **overrides: Any) -> uvicorn.Config:
    """How a service is served: `serve` runs it, tests serve apps the same way."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "http": protocol_for(settings),
        "log_config": None,
        "access_log": False,
        "timeout_keep_alive": settings.keep_alive_timeout_seconds,
        "timeout_graceful_shutdown": int(settings.shutdown_grace_seconds),
        "server_header": False,
        **overrides,
    }
    return uvicorn.Config(app, **options)


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Serve `app` until SIGINT/SIGTERM, then drain in-flight requests for the grace period."""
    uvicorn.Server(server_config(app, settings)).run()
