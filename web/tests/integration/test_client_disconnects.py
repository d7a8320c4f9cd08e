"""A browser that goes away while the gateway forwards its request: a 499 counted apart,
never a 5xx nor an ERROR record, whether it left mid-body or while the service answered."""

import asyncio
import logging

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from .stand_ins import Gateway, StandIn

API_ROUTE = "/api/{path:path}"


async def samples(gateway: Gateway, name: str) -> list[tuple[dict[str, str], float]]:
    async with (
        aiohttp.ClientSession(gateway.management_url) as http,
        http.get("/actuator/prometheus") as response,
    ):
        exposition = await response.text()
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name and sample.labels.get("uri") == API_ROUTE
    ]


async def disconnects(gateway: Gateway) -> float:
    return sum(value for _, value in await samples(gateway, "http_server_client_disconnects_total"))


def mid_body() -> bytes:
    return (
        b"POST /api/order/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"lines": ['
    )


def before_the_answer() -> bytes:
    # The stand-in answers after 3 s, past the gateway's 0.5 s upstream timeout: had the
    # gateway waited for it, it would have recorded a 504.
    return (
        b"POST /api/order/create?answer=slow HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )


@pytest.mark.parametrize(
    "request_bytes", [mid_body(), before_the_answer()], ids=["mid-body", "before-the-answer"]
)
async def test_a_client_leaving_is_a_499_counted_apart_never_a_5xx_nor_an_error(
    gateway: Gateway,
    stand_ins: dict[str, StandIn],
    caplog: pytest.LogCaptureFixture,
    request_bytes: bytes,
) -> None:
    before = await disconnects(gateway)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    host, port = gateway.url.removeprefix("http://").split(":")
    _reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request_bytes)
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()
    for _ in range(40):
        if await disconnects(gateway) > before:
            break
        await asyncio.sleep(0.05)
    assert await disconnects(gateway) == before + 1
    # Past the upstream timeout: nothing more is recorded for it later.
    await asyncio.sleep(0.6)
    statuses = {
        labels["status"]
        for labels, _ in await samples(gateway, "http_server_requests_seconds_count")
    }
    assert "499" in statuses
    assert not any(status.startswith("5") for status in statuses)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    about_it = [r.getMessage() for r in caplog.records if "(client disconnected)" in r.getMessage()]
    assert about_it == [f"POST {API_ROUTE} 499 (client disconnected)"]
