"""One set of stand-in services and one gateway in front of them, for the module's tests."""

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from .stand_ins import Gateway, StandIn, running_gateway, serving_stand_ins


@pytest.fixture(scope="module")
def stand_in_servers() -> Iterator[dict[str, tuple[StandIn, str]]]:
    with serving_stand_ins() as servers:
        yield servers


@pytest.fixture(scope="module")
def gateway(stand_in_servers: dict[str, tuple[StandIn, str]]) -> Iterator[Gateway]:
    upstreams = {name: url for name, (_stand_in, url) in stand_in_servers.items()}
    with running_gateway(upstreams, upstream_timeout_seconds=0.5, max_body_bytes=1024) as running:
        yield running


@pytest.fixture
def stand_ins(stand_in_servers: dict[str, tuple[StandIn, str]]) -> dict[str, StandIn]:
    """The stand-in services, each with nothing recorded yet."""
    for stand_in, _url in stand_in_servers.values():
        stand_in.clear()
    return {name: stand_in for name, (stand_in, _url) in stand_in_servers.items()}


@pytest.fixture
def nothing_forwarded(stand_ins: dict[str, StandIn]) -> Iterator[None]:
    """After the test: no request reached any service."""
    yield
    assert {name: s.requests() for name, s in stand_ins.items() if s.requests()} == {}


@pytest.fixture
async def http(
    gateway: Gateway, stand_ins: dict[str, StandIn]
) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=gateway.url) as session:
        yield session


@pytest.fixture
async def management(gateway: Gateway) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=gateway.management_url) as session:
        yield session
