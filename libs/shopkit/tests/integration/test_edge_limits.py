"""Limits at a service's edge, over real HTTP: the server as `shopkit.server` runs it, raw
bytes on a socket (clients would refuse to send most of these requests)."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import aiohttp
import orjson
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI
from prometheus_client.parser import text_string_to_metric_families

from shopkit.app import create_app
from shopkit.auth import public
from shopkit.metrics import ServiceMetrics
from shopkit.server import server_config
from shopkit.settings import ServiceSettings
from shopkit.wiring import Wired
from testkit.network import free_port

router = APIRouter(dependencies=[public])
handled: list[str] = []


@router.post("/api/echo")
async def echo(body: dict[str, Any]) -> dict[str, Any]:
    handled.append("echo")
    return body


@router.get("/api/slow")
async def slow() -> dict[str, str]:
    await asyncio.sleep(1.5)
    return {"status": "done"}


@asynccontextmanager
async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[None]]:
    yield Wired(None, [])


def app_with(settings: ServiceSettings) -> FastAPI:
    return create_app(
        service="demo",
        distribution="shopkit",
        settings=settings,
        routers=[router],
        bootstrap=bootstrap,
    )


@contextmanager
def serving(**limits: Any) -> Iterator[tuple[str, int]]:
    """The demo app under the server `shopkit.server.serve` runs, on a free loopback port."""
    settings = ServiceSettings(port=free_port(), **limits)
    server = uvicorn.Server(server_config(app_with(settings), settings))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server failed to start"
        thread.join(0.02)
    try:
        yield settings.host, settings.port
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    with serving(body_timeout_seconds=0.5, keep_alive_timeout_seconds=1, max_in_flight=3) as at:
        yield at


class Answer:
    """One HTTP/1.1 answer read off the socket."""

    def __init__(self, head: bytes, body: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {
            name.lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        self.body = body

    def problem(self, status: int) -> dict[str, Any]:
        """The body, asserted to be an RFC 9457 problem with `status`."""
        assert self.status == status, self.body
        assert self.headers["content-type"] == "application/problem+json"
        document: dict[str, Any] = orjson.loads(self.body)
        assert document["status"] == status
        assert document["type"].startswith("urn:shopstack:problem:")
        return document


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    answer = Answer(head, b"")
    answer.body = await reader.readexactly(int(answer.headers.get("content-length", "0")))
    return answer


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(), within) == b""
    except ConnectionResetError:
        return True


async def statuses_counted(address: tuple[str, int]) -> set[str]:
    """The statuses `http_server_requests_seconds` has recorded so far."""
    base = f"http://{address[0]}:{address[1]}"
    async with aiohttp.ClientSession(base) as http, http.get("/actuator/prometheus") as response:
        exposition = await response.text()
    return {
        sample.labels["status"]
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "http_server_requests_seconds_count"
    }


async def exchange(address: tuple[str, int], raw: bytes) -> Answer:
    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(raw)
        await writer.drain()
        return await asyncio.wait_for(read_answer(reader), 5)
    finally:
        writer.close()


async def test_a_body_declared_over_the_cap_is_refused_413_at_once_without_being_read(
    address: tuple[str, int],
) -> None:
    handled.clear()
    reader, writer = await asyncio.open_connection(*address)
    started = time.monotonic()
    # 100 MiB announced, a few bytes sent: the answer cannot wait for the rest.
    writer.write(
        b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 104857600\r\n\r\n{"a":'
    )
    answer = await asyncio.wait_for(read_answer(reader), 2)
    assert time.monotonic() - started < 1
    assert answer.problem(413)["type"] == "urn:shopstack:problem:request-too-large"
    assert answer.headers["connection"] == "close"
    assert await closed_by_server(reader, 2)
    assert handled == []
    writer.close()
    # Refusals are measured like any answer.
    assert "413" in await statuses_counted(address)


async def test_a_chunked_body_over_the_cap_is_refused_413(address: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(
        b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    # 64 KiB, the cap, then 16 bytes more and nothing after them: had the client gone on
    # sending, the server's close could reset the connection before the answer was read.
    writer.write((b"4000\r\n" + b" " * 0x4000 + b"\r\n") * 4 + b"10\r\n" + b" " * 16 + b"\r\n")
    await writer.drain()
    answer = await asyncio.wait_for(read_answer(reader), 2)
    assert answer.problem(413)["type"] == "urn:shopstack:problem:request-too-large"
    writer.close()


async def test_a_body_not_received_in_time_is_refused_408_and_the_connection_closed(
    address: tuple[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    started = time.monotonic()
    writer.write(
        b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"a":'
    )
    answer = await asyncio.wait_for(read_answer(reader), 3)
    assert 0.4 < time.monotonic() - started < 2
    assert answer.problem(408)["type"] == "urn:shopstack:problem:request-timeout"
    assert await closed_by_server(reader, 1)
    writer.close()


async def test_an_idle_keep_alive_connection_is_closed_by_the_server(
    address: tuple[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(b"GET /actuator/health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await asyncio.wait_for(read_answer(reader), 2)).status == 200
    started = time.monotonic()
    assert await closed_by_server(reader, 3)
    assert 0.8 < time.monotonic() - started < 2.5
    writer.close()


@pytest.mark.parametrize(
    "head",
    [b"GET", b"", b"GET /api/slow HTTP/1.1\r\nHost: x\r\nX-Slow: 1"],
    ids=["request line begun", "nothing sent", "headers never ended"],
)
async def test_a_request_head_not_received_in_time_is_dropped(
    address: tuple[str, int], head: bytes
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(head)
    assert await closed_by_server(reader, 2)
    writer.close()


async def test_header_fields_over_the_limit_are_refused_431_problem_json(
    address: tuple[str, int],
) -> None:
    large = await exchange(
        address, b"GET /api/slow HTTP/1.1\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    )
    assert large.problem(431)["instance"] == "/api/slow"
    many = b"".join(b"X-%d: 1\r\n" % n for n in range(150))
    (await exchange(address, b"GET /api/slow HTTP/1.1\r\n" + many + b"\r\n")).problem(431)


async def test_a_head_far_over_the_limits_is_refused_by_the_server_as_problem_json(
    address: tuple[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(*address)
    start = b"GET /api/slow HTTP/1.1\r\nX-Big: "
    # One byte past what the server holds of a head (4 x (8 KiB URL + 16 KiB headers)),
    # never ended, and nothing after it (see the chunked test).
    writer.write(start + b"a" * (4 * (8192 + 16384) + 1 - len(start)))
    await writer.drain()
    answer = await asyncio.wait_for(read_answer(reader), 2)
    assert answer.problem(431)["type"] == "urn:shopstack:problem:request-header-fields-too-large"
    writer.close()


async def test_a_url_over_the_limit_is_refused_414_problem_json(address: tuple[str, int]) -> None:
    answer = await exchange(address, b"GET /api/" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.problem(414)["type"] == "urn:shopstack:problem:uri-too-long"


@pytest.mark.parametrize("count", [300, 10_000])
async def test_too_many_query_parameters_are_refused_as_problem_json(
    address: tuple[str, int], count: int
) -> None:
    query = b"&".join([b"a"] * count)
    answer = await exchange(address, b"GET /api/slow?" + query + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.problem(414)["type"] == "urn:shopstack:problem:uri-too-long"


async def test_overload_sheds_the_requests_past_the_limit_at_once_and_never_health(
    address: tuple[str, int],
) -> None:
    base = f"http://{address[0]}:{address[1]}"
    async with aiohttp.ClientSession(base) as http:

        async def call(path: str) -> tuple[int, str | None, float]:
            started = time.monotonic()
            async with http.get(path) as response:
                await response.read()
                return (
                    response.status,
                    response.headers.get("Retry-After"),
                    time.monotonic() - started,
                )

        in_flight = [asyncio.create_task(call("/api/slow")) for _ in range(3)]
        await asyncio.sleep(0.3)
        shed = await asyncio.gather(*(call("/api/slow") for _ in range(2)))
        health = await call("/actuator/health")
        assert [(status, retry_after) for status, retry_after, _ in shed] == [(503, "1")] * 2
        assert all(elapsed < 0.5 for _, _, elapsed in shed)
        assert health[0] == 200
        assert [status for status, _, _ in await asyncio.gather(*in_flight)] == [200] * 3
    assert "503" in await statuses_counted(address)
