"""The gateway in front of a stand-in upstream, both real servers on loopback."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from fastapi import FastAPI, Request, Response

from gateway.config import Settings
from gateway.main import create_app
from gateway.security import SECURITY_HEADERS
from testkit.http import assert_problem
from testkit.live_server import serve_in_thread
from testkit.network import free_port

seen: list[dict[str, Any]] = []
upstream = FastAPI()


@upstream.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
async def record_and_answer(request: Request, service: str, path: str) -> Response:
    seen.append(
        {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": dict(request.headers),
            "body": await request.body(),
        }
    )
    if path == "slow":
        await asyncio.sleep(3)
    if path == "conflict":
        return Response(
            '{"type":"urn:shopstack:problem:insufficient-stock","status":409}',
            status_code=409,
            media_type="application/problem+json",
            headers={"Retry-After": "1"},
        )
    return Response(
        '{"ok":true}',
        status_code=201,
        media_type="application/json",
        headers={"Location": "/api/order/1", "Set-Cookie": "tracking=1"},
    )


@upstream.get("/actuator/health")
async def health() -> Response:
    return Response('{"status":"DOWN"}', status_code=503, media_type="application/json")


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    with serve_in_thread(upstream) as upstream_url:
        settings = Settings(
            product_url=upstream_url,
            inventory_url=upstream_url,
            order_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
            upstream_timeout_seconds=0.5,
            max_body_bytes=1024,
        )
        with serve_in_thread(create_app(settings)) as url:
            yield url


@pytest.fixture
async def http(gateway_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    seen.clear()
    async with aiohttp.ClientSession(base_url=gateway_url) as session:
        yield session


async def test_status_body_and_headers_pass_through(http: aiohttp.ClientSession) -> None:
    async with http.post(
        "/api/product/create?skuCode=a&skuCode=b",
        json={"name": "Mug"},
        headers={"Idempotency-Key": "k-1", "Cookie": "session=secret"},
    ) as response:
        assert response.status == 201
        assert await response.json() == {"ok": True}
        assert response.headers["Location"] == "/api/order/1"
        assert "Set-Cookie" not in response.headers

    [call] = seen
    assert (call["method"], call["path"], call["query"]) == (
        "POST",
        "/api/product/create",
        "skuCode=a&skuCode=b",
    )
    assert call["body"] == b'{"name": "Mug"}'
    assert call["headers"]["idempotency-key"] == "k-1"
    assert "cookie" not in call["headers"]


async def test_a_problem_answer_passes_through_unchanged(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/inventory/conflict") as response:
        assert response.status == 409
        assert response.content_type == "application/problem+json"
        assert response.headers["Retry-After"] == "1"
        assert (await response.json())["type"].endswith("insufficient-stock")


async def test_the_callers_trace_context_is_passed_on(http: aiohttp.ClientSession) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    async with http.get("/api/product/x", headers={"traceparent": traceparent}) as response:
        assert response.status == 201

    assert seen[0]["headers"]["traceparent"] == traceparent


async def test_a_slow_upstream_is_a_504_problem(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/product/slow") as response:
        problem = await assert_problem(response, 504)
    assert problem["service"] == "product"


async def test_an_unreachable_upstream_is_a_502_problem(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/order") as response:
        problem = await assert_problem(response, 502)
    assert "order" in problem["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_cap_is_a_413_problem_and_never_forwarded(
    http: aiohttp.ClientSession, chunked: bool
) -> None:
    body = b"x" * 2048

    async def stream() -> AsyncIterator[bytes]:
        yield body

    async with http.post("/api/product/create", data=stream() if chunked else body) as response:
        await assert_problem(response, 413)

    assert seen == []


async def test_a_service_health_is_passed_through(http: aiohttp.ClientSession) -> None:
    async with http.get("/health/inventory") as response:
        assert response.status == 503
        assert await response.json() == {"status": "DOWN"}
    async with http.get("/health/order") as response:
        assert response.status == 502


async def test_an_unknown_service_is_a_404_problem(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/payments/1") as response:
        await assert_problem(response, 404)
    assert seen == []


@pytest.mark.parametrize(
    "path", ["/", "/static/js/main.js", "/api/product/x", "/api/order", "/no/such/page"]
)
async def test_every_answer_carries_the_security_headers(
    http: aiohttp.ClientSession, path: str
) -> None:
    async with http.get(path) as response:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    assert "unsafe-inline" not in SECURITY_HEADERS["Content-Security-Policy"]


async def test_the_page_and_its_modules_are_served(http: aiohttp.ClientSession) -> None:
    async with http.get("/") as response:
        page = await response.text()
    assert response.content_type == "text/html"
    assert '<script type="module" src="/static/js/main.js"></script>' in page
    async with http.get("/static/js/main.js") as response:
        assert response.status == 200
        assert "javascript" in response.content_type
