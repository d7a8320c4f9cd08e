"""shopkit's service client against a real server: retries, breaker, trace context."""

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from fastapi import FastAPI, Request, Response
from opentelemetry import context, trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from shopkit.http_client import ClientPolicy, ServiceClient, ServiceUnavailableError
from testkit.live_server import serve_in_thread
from testkit.network import free_port

calls: dict[str, int] = {}
upstream = FastAPI()


@upstream.api_route("/count/{name}/{status}", methods=["GET", "POST"])
async def count_and_answer(name: str, status: int) -> Response:
    calls[name] = calls.get(name, 0) + 1
    return Response('{"price": 19.99}', status_code=status, media_type="application/json")


@upstream.get("/headers")
async def headers(request: Request) -> dict[str, str]:
    return dict(request.headers)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(upstream) as url:
        yield url


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    calls.clear()
    async with aiohttp.ClientSession() as session:
        yield session


POLICY = ClientPolicy(attempts=3, breaker_threshold=2, breaker_reset_seconds=60)


async def test_a_4xx_answer_is_returned_with_its_body_and_exact_decimals(
    base_url: str, session: aiohttp.ClientSession
) -> None:
    client = ServiceClient("upstream", base_url, session, POLICY)

    reply = await client.call("GET", "/count/conflict/409", idempotent=True)

    assert reply.status == 409
    assert str(reply.body["price"]) == "19.99"
    assert calls == {"conflict": 1}


async def test_an_idempotent_call_is_retried_on_5xx_and_a_non_idempotent_one_is_not(
    base_url: str, session: aiohttp.ClientSession
) -> None:
    client = ServiceClient("upstream", base_url, session, POLICY)

    with pytest.raises(ServiceUnavailableError):
        await client.call("GET", "/count/get/503", idempotent=True)
    with pytest.raises(ServiceUnavailableError):
        await client.call("POST", "/count/post/503", idempotent=False)

    assert calls == {"get": 3, "post": 1}


async def test_the_circuit_opens_after_repeated_failures_and_fails_fast(
    base_url: str, session: aiohttp.ClientSession
) -> None:
    client = ServiceClient("upstream", base_url, session, POLICY)
    for _ in range(2):
        with pytest.raises(ServiceUnavailableError):
            await client.call("POST", "/count/failing/500", idempotent=False)

    with pytest.raises(ServiceUnavailableError, match="circuit open"):
        await client.call("POST", "/count/healthy/200", idempotent=False)

    assert calls == {"failing": 2}


async def test_an_unreachable_service_is_unavailable(session: aiohttp.ClientSession) -> None:
    client = ServiceClient("nobody", f"http://127.0.0.1:{free_port()}", session, POLICY)

    with pytest.raises(ServiceUnavailableError, match="nobody"):
        await client.call("GET", "/", idempotent=True)


async def test_the_current_trace_context_is_passed_on_as_traceparent(
    base_url: str, session: aiohttp.ClientSession
) -> None:
    client = ServiceClient("upstream", base_url, session, POLICY)
    span_context = SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
        span_id=0x00F067AA0BA902B7,
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    token = context.attach(trace.set_span_in_context(NonRecordingSpan(span_context)))
    try:
        reply = await client.call("GET", "/headers", idempotent=True)
    finally:
        context.detach(token)

    assert reply.body["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
