"""What the gateway passes on, both ways, and how it fails: the gateway in front of stand-in
services, all real servers on loopback."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from gateway.security import SECURITY_HEADERS
from testkit.http import assert_problem
from testkit.issuer import TestIssuer
from testkit.network import free_port

from .stand_ins import StandIn, running_gateway


async def test_status_body_query_and_headers_pass_through(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn]
) -> None:
    async with http.post(
        "/api/product/create?skuCode=a&skuCode=b",
        json={"name": "Mug"},
        headers={"Idempotency-Key": "k-1", "Accept-Language": "de"},
    ) as response:
        assert response.status == 201
        assert await response.json() == {"service": "product"}
        assert response.headers["Location"] == "/api/order/1"

    [call] = stand_ins["product"].requests()
    assert (call.method, call.raw_path, call.query) == (
        "POST",
        b"/api/product/create",
        "skuCode=a&skuCode=b",
    )
    assert call.body == b'{"name": "Mug"}'
    assert call.header("idempotency-key") == ["k-1"]
    assert call.header("accept-language") == ["de"]


async def test_cookies_are_passed_on_neither_way(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn]
) -> None:
    async with http.get("/api/order", headers={"Cookie": "session=secret"}) as response:
        assert response.status == 201
        assert "Set-Cookie" not in response.headers

    [call] = stand_ins["order"].requests()
    assert call.header("cookie") == []


async def test_the_bearer_token_and_the_order_secret_reach_the_service_unchanged(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn], token_issuer: TestIssuer
) -> None:
    token = token_issuer.mint("alice", roles=["customer"])
    order_number = "3f1c2a9e-4b7d-4e2a-9c1f-0a2b3c4d5e6f"
    headers = {"Authorization": f"Bearer {token}", "Order-Secret": "s3cr3t-of-the-guest"}
    async with http.post(f"/api/order/{order_number}/cancel", headers=headers) as response:
        assert response.status == 201

    [call] = stand_ins["order"].requests()
    assert call.header("authorization") == [f"Bearer {token}"]
    assert call.header("order-secret") == ["s3cr3t-of-the-guest"]


async def test_a_token_is_not_judged_by_the_gateway_but_by_the_service(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn], token_issuer: TestIssuer
) -> None:
    # The gateway trusts no issuer here; a forged token still goes on, for the service to refuse.
    forged = token_issuer.token_forged_for_known_kid()
    async with http.get("/api/order", headers={"Authorization": f"Bearer {forged}"}) as response:
        assert response.status == 201

    [call] = stand_ins["order"].requests()
    assert call.header("authorization") == [f"Bearer {forged}"]


async def test_two_authorization_headers_reach_the_service_as_sent_for_it_to_refuse(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn]
) -> None:
    headers = [("Authorization", "Bearer first"), ("Authorization", "Bearer second")]
    async with http.get("/api/order", headers=headers) as response:
        assert response.status == 201

    [call] = stand_ins["order"].requests()
    assert call.header("authorization") == ["Bearer first", "Bearer second"]


async def test_a_services_401_keeps_its_bearer_challenge(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/order?answer=unauthenticated") as response:
        assert response.status == 401
        assert response.content_type == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


async def test_a_problem_answer_passes_through_unchanged(http: aiohttp.ClientSession) -> None:
    async with http.put("/api/inventory/pixel_8?answer=conflict", json={"quantity": 1}) as response:
        assert response.status == 409
        assert response.content_type == "application/problem+json"
        assert response.headers["Retry-After"] == "1"
        assert (await response.json())["type"].endswith("insufficient-stock")


async def test_the_callers_trace_context_is_passed_on(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn]
) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    async with http.get(
        "/api/product/allProducts", headers={"traceparent": traceparent}
    ) as response:
        assert response.status == 201

    [call] = stand_ins["product"].requests()
    assert call.header("traceparent") == [traceparent]


async def test_a_slow_service_is_a_504_problem(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/product/allProducts?answer=slow") as response:
        problem = await assert_problem(response, 504)
    assert problem["service"] == "product"


async def test_an_unreachable_service_is_a_502_problem() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    upstreams = {"product": nowhere, "inventory": nowhere, "order": nowhere}
    with running_gateway(upstreams) as gateway:
        async with (
            aiohttp.ClientSession(base_url=gateway.url) as http,
            http.get("/api/order") as response,
        ):
            problem = await assert_problem(response, 502)
    assert problem["service"] == "order"
    assert "order" in problem["detail"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_cap_is_a_413_problem_and_never_forwarded(
    http: aiohttp.ClientSession, nothing_forwarded: None, chunked: bool
) -> None:
    body = b"x" * 2048

    async def stream() -> AsyncIterator[bytes]:
        yield body

    async with http.post("/api/product/create", data=stream() if chunked else body) as response:
        await assert_problem(response, 413)


async def test_a_service_health_is_passed_through(
    http: aiohttp.ClientSession, stand_ins: dict[str, StandIn]
) -> None:
    async with http.get("/health/inventory") as response:
        assert response.status == 503
        assert await response.json() == {"status": "DOWN"}
    assert [call.raw_path for call in stand_ins["inventory"].requests()] == [b"/actuator/health"]


async def test_the_health_of_an_unknown_service_is_a_404_problem(
    http: aiohttp.ClientSession, nothing_forwarded: None
) -> None:
    async with http.get("/health/payments") as response:
        await assert_problem(response, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/static/js/main.js",
        "/api/product/allProducts",
        "/api/order",
        "/no/such/page",
        "/api/x",
    ],
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
