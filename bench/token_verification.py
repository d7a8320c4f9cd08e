"""What access control costs a service per request, in CPU milliseconds:

- verifying one access token: shopkit.auth.TokenVerifier.verify on an ES256 token of the
  real identity service, its keys already cached (as they are after the first request);
- the declared access a route resolves on every request, anonymous on a public route and
  with that token on an admin route, next to a route that declares none (in-process ASGI
  calls, so that no server or network is in the figure).

    .venv/bin/python bench/token_verification.py [calls]
"""

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import Message

from identity_service.config import Settings
from identity_service.main import create_app
from shopkit.auth import AUTH_STATE_KEY, AuthSettings, TokenVerifier, open_verifier, public, role
from testkit.credentials import client_credentials_token
from testkit.live_server import serve_in_thread
from testkit.network import free_port

ROUNDS = 5
TARGET_MS = 0.2


def routes() -> FastAPI:
    app = FastAPI()

    @app.get("/undeclared")
    async def undeclared() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/public", dependencies=[public])
    async def anyone() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/admin", dependencies=[role("admin")])
    async def admin() -> dict[str, bool]:
        return {"ok": True}

    return app


def asgi_get(
    app: FastAPI, verifier: TokenVerifier, path: str, token: str | None = None
) -> Callable[[], Awaitable[None]]:
    """One GET of `path` straight through the ASGI app, as uvicorn would hand it over."""
    headers = [(b"host", b"127.0.0.1")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    answered: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answered.append(message["status"])

    async def get() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": {AUTH_STATE_KEY: verifier},
        }
        await app(scope, receive, send)
        if answered.pop() != 200:
            raise RuntimeError(f"GET {path} was not answered 200")

    return get


async def cpu_ms_per_call(call: Callable[[], Awaitable[Any]], calls: int) -> list[float]:
    """The CPU time of one call, in ms, for each of `ROUNDS` rounds of `calls` (after one
    unmeasured round that fills the caches)."""
    rounds = []
    for round_number in range(ROUNDS + 1):
        started = time.process_time()
        for _ in range(calls):
            await call()
        if round_number:
            rounds.append((time.process_time() - started) * 1000 / calls)
    return rounds


async def measure(issuer: str, token: str, calls: int) -> dict[str, list[float]]:
    app = routes()
    async with open_verifier(AuthSettings(issuer=issuer)) as verifier:
        return {
            "verify an ES256 token, keys cached": await cpu_ms_per_call(
                lambda: verifier.verify(token), calls
            ),
            "GET, a route that declares no access": await cpu_ms_per_call(
                asgi_get(app, verifier, "/undeclared"), calls
            ),
            "GET, public route, anonymous": await cpu_ms_per_call(
                asgi_get(app, verifier, "/public"), calls
            ),
            "GET, admin route, with the token": await cpu_ms_per_call(
                asgi_get(app, verifier, "/admin", token), calls
            ),
        }


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        settings = Settings(
            issuer=f"http://127.0.0.1:{port}",
            database_url=f"sqlite+aiosqlite:///{data}/identity.db",
            smoke_client_secret_file=Path(data) / "smoke",
        )
        with serve_in_thread(create_app(settings), port):
            secret = (Path(data) / "smoke").read_text().strip()
            token = client_credentials_token(f"{settings.issuer}/token", "smoke", secret)
            figures = asyncio.run(measure(settings.issuer, token, calls))
    print(f"CPU ms per call, {calls} calls x {ROUNDS} rounds (best, median):")
    for name, rounds in figures.items():
        print(f"  {name}: {min(rounds):.3f}, {statistics.median(rounds):.3f}")
    verification = statistics.median(figures["verify an ES256 token, keys cached"])
    verdict = "met" if verification <= TARGET_MS else "MISSED"
    print(f"token verification: {verdict} (target <= {TARGET_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
