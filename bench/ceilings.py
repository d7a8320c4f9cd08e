"""What the machine allows: the same framework and server doing nothing, the shared client
doing one hop, and MariaDB doing the reservation transaction alone."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

import asyncmy
from fastapi import FastAPI

from shopkit.http_client import ServiceClient, create_session
from testkit.live_server import serve_in_thread


def hello_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, bool]:
        return {"ok": True}

    return app


def chain_app(next_url: str) -> FastAPI:
    """GET /chain calls `next_url`/hello through shopkit's service client."""
    app = FastAPI()
    state: dict[str, ServiceClient] = {}

    @app.get("/chain")
    async def chain() -> dict[str, bool]:
        if "client" not in state:
            state["client"] = ServiceClient("next", next_url, create_session())
        reply = await state["client"].call("GET", "/hello", idempotent=True)
        return {"ok": reply.status == 200}

    return app


@contextmanager
def hello_and_chain() -> Iterator[tuple[str, str]]:
    """A hello server and a chain server in front of it; yields both base URLs."""
    with (
        serve_in_thread(hello_app()) as hello_url,
        serve_in_thread(chain_app(hello_url)) as chain_url,
    ):
        yield hello_url, chain_url


async def reservation_transactions_per_second(
    database: str, *, tasks: int = 32, seconds: float = 5.0
) -> float:
    """The raw hot-row reservation, in a loop from `tasks` concurrent tasks: a conditional
    UPDATE and an INSERT per transaction, as the inventory does for a one-line order."""
    setup = await asyncmy.connect(host="127.0.0.1", user="root", db=database, autocommit=True)
    async with setup.cursor() as cursor:
        await cursor.execute(
            "CREATE TABLE stock (sku VARCHAR(64) PRIMARY KEY, quantity INT NOT NULL)"
        )
        await cursor.execute(
            "CREATE TABLE taken"
            " (id BIGINT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(64), quantity INT)"
        )
        await cursor.execute("INSERT INTO stock VALUES ('hot', 100000000)")
    setup.close()
    deadline = time.monotonic() + seconds
    done = 0

    async def reserve_in_a_loop() -> None:
        nonlocal done
        connection = await asyncmy.connect(host="127.0.0.1", user="root", db=database)
        async with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                await cursor.execute(
                    "UPDATE stock SET quantity = quantity - 1 WHERE sku = 'hot' AND quantity >= 1"
                )
                await cursor.execute("INSERT INTO taken (sku, quantity) VALUES ('hot', 1)")
                await connection.commit()
                done += 1
        connection.close()

    started = time.monotonic()
    await asyncio.gather(*(reserve_in_a_loop() for _ in range(tasks)))
    return done / (time.monotonic() - started)
