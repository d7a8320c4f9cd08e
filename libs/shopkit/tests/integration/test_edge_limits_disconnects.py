"""A client that goes away mid-body, over real HTTP: a 499 counted apart, one INFO record,
never a 5xx nor an ERROR."""

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import uvicorn
from fastapi import APIRouter, Request
from prometheus_client.parser import text_string_to_metric_families

from shopkit.app import create_app
from shopkit.auth import public
from shopkit.metrics import ServiceMetrics
from shopkit.server import server_config
from shopkit.settings import ServiceSettings
from shopkit.wiring import Wired
from testkit.network import free_port

router = APIRouter(dependencies=[public])


@router.post("/api/parsed")
async def parsed(body: dict[str, Any]) -> dict[str, Any]:
    return body


@router.post("/api/streamed")
async def streamed(request: Request) -> dict[str, int]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return {"size": size}


@asynccontextmanager
async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[None]]:
    yield Wired(None, [])


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    settings = ServiceSettings(port=free_port())
    app = create_app(
        service="demo",
        distribution="shopkit",
        settings=settings,
        routers=[router],
        bootstrap=bootstrap,
    )
    server = uvicorn.Server(server_config(app, settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server failed to start"
        thread.join(0.02)
    yield settings.host, settings.port
    server.should_exit = True
    thread.join(15)


async def samples(address: tuple[str, int], name: str) -> list[tuple[dict[str, str], float]]:
    base = f"http://{address[0]}:{address[1]}"
    async with aiohttp.ClientSession(base) as http, http.get("/actuator/prometheus") as response:
        exposition = await response.text()
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name
    ]


async def disconnects(address: tuple[str, int], uri: str) -> float:
    counted = await samples(address, "http_server_client_disconnects_total")
    return sum(value for labels, value in counted if labels["uri"] == uri)


async def leave_mid_body(address: tuple[str, int], path: str) -> None:
    _reader, writer = await asyncio.open_connection(*address)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n".encode()
        + b'{"a": "'
    )
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()


@pytest.mark.parametrize("path", ["/api/parsed", "/api/streamed"])
async def test_a_client_leaving_mid_body_is_a_499_counted_apart_and_logged_once_at_info(
    address: tuple[str, int], path: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = await disconnects(address, path)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    await leave_mid_body(address, path)
    for _ in range(50):
        if await disconnects(address, path) == before + 1:
            break
        await asyncio.sleep(0.05)
    assert await disconnects(address, path) == before + 1
    requests = await samples(address, "http_server_requests_seconds_count")
    statuses = {labels["status"] for labels, _ in requests if labels["uri"] == path}
    assert statuses == {"499"}
    assert not any(labels["status"].startswith("5") for labels, _ in requests)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    about_it = [r for r in caplog.records if r.levelno == logging.INFO and path in r.getMessage()]
    assert [r.getMessage() for r in about_it] == [f"POST {path} 499 (client disconnected)"]
