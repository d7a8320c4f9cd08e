"""The gateway's per-client rate limit on writes and sign-in: real gateways under uvicorn in
front of stand-in services, and the machine's real Redis for gateways that share a count."""

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import pytest
import uvicorn

from gateway.config import Settings
from gateway.main import create_app
from shopkit.server import server_config
from testkit.http import assert_problem
from testkit.network import free_ports
from testkit.redis import redis_url

from .stand_ins import Gateway, StandIn, running_gateway

LOW_LIMITS = {"rate_limit_writes": "3/minute", "rate_limit_sign_in": "2/minute"}


@pytest.fixture(scope="module")
def limited(stand_in_servers: dict[str, tuple[StandIn, str]]) -> Iterator[Gateway]:
    upstreams = {name: url for name, (_stand_in, url) in stand_in_servers.items()}
    with running_gateway(upstreams, **LOW_LIMITS) as running:
        yield running


def client_address() -> str:
    """An address of its own per test: the counts outlive a test (and, in Redis, a run)."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


async def write(http: aiohttp.ClientSession, client: str) -> aiohttp.ClientResponse:
    # Loopback is a trusted proxy by default (FORWARDED_ALLOW_IPS): its X-Forwarded-For
    # names the client, as the ingress does.
    async with http.post(
        "/api/order/create", json={}, headers={"X-Forwarded-For": client}
    ) as response:
        await response.read()
        return response


async def test_writes_past_the_limit_are_refused_429_with_retry_after_and_not_forwarded(
    limited: Gateway, stand_ins: dict[str, StandIn]
) -> None:
    client = client_address()
    async with aiohttp.ClientSession(limited.url) as http:
        assert [(await write(http, client)).status for _ in range(3)] == [201] * 3
        async with http.post(
            "/api/order/create", json={}, headers={"X-Forwarded-For": client}
        ) as refused:
            problem = await assert_problem(refused, 429)
            retry_after = refused.headers["Retry-After"]
    assert problem["type"] == "urn:shopstack:problem:too-many-requests"
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= 60
    assert len(stand_ins["order"].requests()) == 3


async def test_reads_are_not_limited(limited: Gateway) -> None:
    client = client_address()
    async with aiohttp.ClientSession(limited.url) as http:
        for _ in range(3):
            await write(http, client)
        for _ in range(20):
            async with http.get("/api/product", headers={"X-Forwarded-For": client}) as response:
                assert response.status == 201


async def test_each_client_has_a_count_of_its_own(limited: Gateway) -> None:
    first, second = client_address(), client_address()
    async with aiohttp.ClientSession(limited.url) as http:
        for _ in range(3):
            await write(http, first)
        assert (await write(http, first)).status == 429
        assert (await write(http, second)).status == 201


async def test_sign_in_past_the_limit_is_refused_429_with_retry_after(limited: Gateway) -> None:
    client = client_address()
    async with aiohttp.ClientSession(limited.url) as http:
        for _ in range(2):
            async with http.get(
                "/auth/login", headers={"X-Forwarded-For": client}, allow_redirects=False
            ) as response:
                assert response.status != 429
        async with http.get(
            "/auth/login", headers={"X-Forwarded-For": client}, allow_redirects=False
        ) as response:
            await assert_problem(response, 429)
            assert int(response.headers["Retry-After"]) >= 1
        async with http.get("/auth/me", headers={"X-Forwarded-For": client}) as response:
            assert response.status == 200


@contextmanager
def gateway_trusting(upstreams: dict[str, str], proxies: str, **settings: Any) -> Iterator[str]:
    """A gateway served as `shopkit.server` serves it, believing X-Forwarded-For only from
    `proxies`."""
    port, management_port = free_ports(2)
    config = Settings(
        port=port,
        management_port=management_port,
        product_url=upstreams["product"],
        inventory_url=upstreams["inventory"],
        order_url=upstreams["order"],
        **settings,
    )
    server = uvicorn.Server(server_config(create_app(config), config, forwarded_allow_ips=proxies))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the gateway failed to start"
        thread.join(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(15)


async def test_a_client_cannot_choose_its_address_from_an_untrusted_connection(
    stand_in_servers: dict[str, tuple[StandIn, str]], tmp_path: Any
) -> None:
    upstreams = {name: url for name, (_stand_in, url) in stand_in_servers.items()}
    store = f"sqlite+aiosqlite:///{tmp_path}/sessions.db"
    with gateway_trusting(upstreams, "10.0.0.1", session_store_url=store, **LOW_LIMITS) as url:
        async with aiohttp.ClientSession(url) as http:
            statuses = [(await write(http, client_address())).status for _ in range(4)]
    # Four "clients" that named themselves are one: the connection's own address.
    assert statuses == [201, 201, 201, 429]


async def test_gateways_sharing_redis_share_the_count(
    stand_in_servers: dict[str, tuple[StandIn, str]],
) -> None:
    upstreams = {name: url for name, (_stand_in, url) in stand_in_servers.items()}
    shared = {"session_store_url": redis_url(), **LOW_LIMITS}
    client = client_address()
    with running_gateway(upstreams, **shared) as one, running_gateway(upstreams, **shared) as two:
        async with (
            aiohttp.ClientSession(one.url) as first,
            aiohttp.ClientSession(two.url) as second,
        ):
            statuses = [
                (await write(first, client)).status,
                (await write(second, client)).status,
                (await write(first, client)).status,
                (await write(second, client)).status,
                (await write(first, client)).status,
            ]
    assert statuses == [201, 201, 201, 429, 429]
