"""Client credentials against a real token endpoint (a TestIssuer's /token) on loopback."""

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest

from shopkit.auth import ClientCredentials, TokenUnavailableError
from shopkit.auth.client import AuthMethod
from shopkit.http_client import ServiceUnavailableError
from testkit.clock import ManualClock
from testkit.issuer import TestIssuer
from testkit.network import free_port


@pytest.fixture
def issuer(token_issuer_factory: Callable[[], TestIssuer]) -> TestIssuer:
    return token_issuer_factory()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def credentials_for(
    issuer: TestIssuer,
    http: aiohttp.ClientSession,
    *,
    token_lifetime: int = 300,
    clock: ManualClock | None = None,
    auth_method: AuthMethod = "client_secret_basic",
) -> ClientCredentials:
    secret = issuer.register_client(
        "order-service", scopes=["inventory:reserve"], token_lifetime=token_lifetime
    )
    return ClientCredentials(
        http,
        token_url=issuer.token_url,
        client_id="order-service",
        client_secret=secret,
        scope=["inventory:reserve"],
        auth_method=auth_method,
        clock=clock or ManualClock(),
    )


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
async def test_a_token_is_fetched_with_either_client_authentication_method(
    auth_method: AuthMethod, issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    credentials = credentials_for(issuer, http, auth_method=auth_method)

    header = await credentials.header()

    assert header.startswith("Bearer ey")
    assert issuer.token_requests == 1


async def test_the_token_is_cached_between_calls(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    credentials = credentials_for(issuer, http)

    first, second = await credentials.token(), await credentials.token()

    assert first == second
    assert issuer.token_requests == 1


async def test_the_token_is_refetched_shortly_before_it_expires(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    clock = ManualClock()
    credentials = credentials_for(issuer, http, token_lifetime=120, clock=clock)
    first = await credentials.token()

    clock.now += 89  # 31 s left: more than the 30 s margin
    assert await credentials.token() == first
    clock.now += 2  # 29 s left
    refreshed = await credentials.token()

    assert refreshed != first
    assert issuer.token_requests == 2


async def test_concurrent_callers_share_one_fetch(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    credentials = credentials_for(issuer, http)

    tokens = await asyncio.gather(*(credentials.token() for _ in range(20)))

    assert len(set(tokens)) == 1
    assert issuer.token_requests == 1


async def test_a_still_valid_token_is_kept_when_its_refresh_fails(
    http: aiohttp.ClientSession,
) -> None:
    clock = ManualClock()
    issuer = TestIssuer()
    with issuer.serving():
        credentials = credentials_for(issuer, http, token_lifetime=120, clock=clock)
        first = await credentials.token()
    clock.now += 100

    assert await credentials.token() == first
    clock.now += 30
    with pytest.raises(TokenUnavailableError):
        await credentials.token()


async def test_wrong_credentials_raise_service_unavailable_without_the_secret(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    issuer.register_client("order-service")
    wrong = secrets.token_urlsafe(16)
    credentials = ClientCredentials(
        http, token_url=issuer.token_url, client_id="order-service", client_secret=wrong
    )

    with pytest.raises(ServiceUnavailableError) as failure:
        await credentials.token()

    assert "401" in str(failure.value)
    assert wrong not in str(failure.value) + repr(credentials)


async def test_an_unreachable_token_endpoint_raises_service_unavailable(
    http: aiohttp.ClientSession,
) -> None:
    credentials = ClientCredentials(
        http,
        token_url=f"http://127.0.0.1:{free_port()}/token",
        client_id="order-service",
        client_secret=secrets.token_urlsafe(16),
        timeout_seconds=0.5,
    )

    with pytest.raises(TokenUnavailableError, match="unreachable"):
        await credentials.header()
