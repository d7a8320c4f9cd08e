"""Requests sent to an app in-process, inside its lifespan: routes and handlers, no socket.

For unit tests of routes over fakes. httpx's ASGITransport would do the sending, but it
passes no lifespan state, which is where shopkit keeps the wired object graph.
"""

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import Message


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class InProcessClient:
    app: FastAPI
    state: dict[str, Any]

    async def request(
        self,
        method: str,
        target: str,
        body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """Send one request to the app; `body`, when given, as JSON."""
        path, _, query = target.partition("?")
        content = b"" if body is None else json.dumps(body).encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [
                (b"host", b"service.test"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *(
                    (name.lower().encode(), value.encode())
                    for name, value in (headers or {}).items()
                ),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("service.test", 80),
            "state": dict(self.state),
        }
        pending = [{"type": "http.request", "body": content, "more_body": False}]
        sent: list[Message] = []

        async def receive() -> Message:
            return pending.pop() if pending else {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        start = next(message for message in sent if message["type"] == "http.response.start")
        raw = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        answered = {name.decode(): value.decode() for name, value in start["headers"]}
        return Answer(start["status"], answered, json.loads(raw) if raw else None)


@asynccontextmanager
async def started(app: FastAPI) -> AsyncIterator[InProcessClient]:
    """The app with its lifespan entered, as a server would before the first request."""
    async with app.router.lifespan_context(app) as state:
        yield InProcessClient(app, dict(state or {}))
