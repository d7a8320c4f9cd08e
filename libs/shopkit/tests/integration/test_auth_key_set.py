"""The issuer's keys over real HTTP: rotation, retirement, bounded refetches, issuers down."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import aiohttp
import pytest
from fastapi import APIRouter, FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from shopkit.auth import AUTH_PROBLEMS, AUTH_STATE_KEY, AuthSettings, SignedIn, open_verifier
from shopkit.auth.keys import MAX_JWKS_BYTES
from shopkit.errors import install_problem_handlers
from testkit.http import assert_problem
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread
from testkit.network import free_port

router = APIRouter()


@router.get("/me")
async def me(caller: SignedIn) -> dict[str, str]:
    return {"subject": caller.subject}


def protected_app(settings: AuthSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        async with open_verifier(settings) as verifier:
            yield {AUTH_STATE_KEY: verifier}

    app = FastAPI(lifespan=lifespan)
    install_problem_handlers(app, AUTH_PROBLEMS)
    app.include_router(router)
    return app


@pytest.fixture
def issuer(token_issuer_factory: Callable[[], TestIssuer]) -> TestIssuer:
    return token_issuer_factory()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def status_of(http: aiohttp.ClientSession, url: str, token: str) -> int:
    async with http.get(f"{url}/me", headers={"Authorization": f"Bearer {token}"}) as response:
        if response.status != 200:
            await assert_problem(response, 401)
        return response.status


async def test_a_rotated_in_key_is_fetched_once_for_many_concurrent_requests(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    settings = AuthSettings(issuer=issuer.url, jwks_min_refetch_seconds=0)
    with serve_in_thread(protected_app(settings)) as url:
        assert await status_of(http, url, issuer.mint("alice")) == 200
        issuer.rotate()
        rotated = issuer.mint("alice")

        statuses = await asyncio.gather(*(status_of(http, url, rotated) for _ in range(10)))

    assert statuses == [200] * 10
    assert issuer.jwks_fetches == 2


async def test_unknown_keys_cause_at_most_one_refetch_per_minimum_interval(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    settings = AuthSettings(issuer=issuer.url, jwks_min_refetch_seconds=60)
    with serve_in_thread(protected_app(settings)) as url:
        assert await status_of(http, url, issuer.mint("alice")) == 200
        forged = [issuer.token_from_unknown_key() for _ in range(10)]

        statuses = [await status_of(http, url, token) for token in forged]

    assert statuses == [401] * 10
    assert issuer.jwks_fetches == 1


async def test_a_retired_key_stops_verifying_once_the_cache_expires(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    settings = AuthSettings(issuer=issuer.url, jwks_cache_seconds=0.2, jwks_min_refetch_seconds=0)
    with serve_in_thread(protected_app(settings)) as url:
        old_kid = issuer.signing_kid
        old_token = issuer.mint("alice")
        assert await status_of(http, url, old_token) == 200
        issuer.rotate()
        new_token = issuer.mint("alice")
        assert await status_of(http, url, old_token) == 200  # both published while rotating

        issuer.retire(old_kid)
        await asyncio.sleep(0.3)

        assert await status_of(http, url, old_token) == 401
        assert await status_of(http, url, new_token) == 200


async def test_cached_keys_keep_verifying_while_the_issuer_is_down(
    http: aiohttp.ClientSession,
) -> None:
    issuer = TestIssuer()
    settings = AuthSettings(issuer=issuer.url, jwks_cache_seconds=0.1, jwks_min_refetch_seconds=0)
    with serve_in_thread(protected_app(settings)) as url:
        with issuer.serving():
            assert await status_of(http, url, issuer.mint("alice")) == 200
        await asyncio.sleep(0.2)

        assert await status_of(http, url, issuer.mint("alice")) == 200
        assert await status_of(http, url, issuer.token_from_unknown_key()) == 401


@contextmanager
def silent_issuer() -> Iterator[str]:
    """Accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.mark.parametrize("outage", ["refusing connections", "never answering"])
async def test_an_issuer_that_is_down_makes_tokens_401_quickly_not_500(
    outage: str, http: aiohttp.ClientSession
) -> None:
    minting = TestIssuer()  # its keys, never served
    with silent_issuer() as silent:
        down = f"http://127.0.0.1:{free_port()}" if outage == "refusing connections" else silent
        settings = AuthSettings(issuer=down, jwks_timeout_seconds=0.5)
        with serve_in_thread(protected_app(settings)) as url:
            started = time.monotonic()
            async with http.get(
                f"{url}/me",
                headers={"Authorization": f"Bearer {minting.mint('alice', issuer=down)}"},
            ) as response:
                body = await assert_problem(response, 401)

    assert time.monotonic() - started < 2
    assert "signing keys are unavailable" in body["detail"]


async def test_a_second_issuer_is_accepted_only_where_it_is_configured(
    token_issuer_factory: Callable[[], TestIssuer], http: aiohttp.ClientSession
) -> None:
    first, second = token_issuer_factory(), token_issuer_factory()
    trusting_first = protected_app(AuthSettings(issuer=first.url))
    trusting_second = protected_app(AuthSettings(issuer=second.url))

    with serve_in_thread(trusting_first) as first_url, serve_in_thread(trusting_second) as url:
        assert await status_of(http, url, second.mint("alice")) == 200
        assert await status_of(http, first_url, second.mint("alice")) == 401
        assert await status_of(http, first_url, second.mint("alice", issuer=first.url)) == 401
        assert await status_of(http, first_url, first.mint("alice")) == 200


async def test_a_configured_jwks_url_needs_no_discovery_as_for_entra_id(
    issuer: TestIssuer, http: aiohttp.ClientSession
) -> None:
    entra_like = "https://login.microsoftonline.com/tenant-id/v2.0"
    settings = AuthSettings(issuer=entra_like, jwks_url=issuer.jwks_url)

    with serve_in_thread(protected_app(settings)) as url:
        assert await status_of(http, url, issuer.mint("alice", issuer=entra_like)) == 200
        assert await status_of(http, url, issuer.mint("alice")) == 401


async def test_an_oversized_key_set_is_not_read_and_its_tokens_are_refused(
    issuer: TestIssuer, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    async def bloated_jwks(request: Request) -> JSONResponse:
        async with aiohttp.ClientSession() as session, session.get(issuer.jwks_url) as real:
            keys = (await real.json())["keys"]
        return JSONResponse({"keys": keys, "padding": "x" * (MAX_JWKS_BYTES + 1)})

    bloated = Starlette(routes=[Route("/jwks", bloated_jwks)])
    with serve_in_thread(bloated) as jwks_host:
        settings = AuthSettings(issuer=issuer.url, jwks_url=f"{jwks_host}/jwks")
        with serve_in_thread(protected_app(settings)) as url:
            assert await status_of(http, url, issuer.mint("alice")) == 401

    reasons = [getattr(record, "reason", "") for record in caplog.records]
    assert any(f"more than {MAX_JWKS_BYTES} bytes" in reason for reason in reasons), reasons
