"""Forwarding /api/** to the services: status, headers and bodies passed through."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from fastapi import Request
from opentelemetry import propagate
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse

from gateway.problems import UpstreamTimeoutError, UpstreamUnreachableError

# Only what the services read: cookies stop here.
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        "accept",
        "content-type",
        "idempotency-key",
        "accept-language",
        # Verified by the service the request is for (the gateway does not: see routes.py).
        "authorization",
        # A guest's proof that an order is theirs.
        "order-secret",
        # Replaced by the gateway's own span when tracing is on; passed on as they are otherwise.
        "traceparent",
        "tracestate",
    }
)
FORWARDED_RESPONSE_HEADERS = (
    "content-type",
    "location",
    "retry-after",
    "cache-control",
    # What a 405 names as the methods the route takes.
    "allow",
    # The RFC 6750 challenge of a 401 or 403.
    "www-authenticate",
)


async def forward(
    request: Request,
    session: aiohttp.ClientSession,
    service: str,
    upstream_url: str,
    *,
    timeout_seconds: float,
    access_token: str | None = None,
) -> StreamingResponse:
    """Send `request` on to `upstream_url` and stream the answer back unchanged; with
    `access_token` (a signed-in browser's), as its Authorization instead of any sent.

    An upstream that cannot be reached is a 502 problem; one too slow to answer, a 504.
    The body's size and time are bounded at the edge (shopkit.limits) before it is read here.
    """
    body = await request.body()
    trace_context: dict[str, str] = {}
    propagate.inject(trace_context)
    # Every value as sent: a service refuses a request with two Authorization headers, so
    # the gateway must not pick one of them for it.
    headers = [
        (name, value)
        for name, value in request.headers.items()
        if name.lower() in FORWARDED_REQUEST_HEADERS and name.lower() not in trace_context
    ]
    if access_token is not None:
        headers = [(name, value) for name, value in headers if name.lower() != "authorization"]
        headers.append(("authorization", f"Bearer {access_token}"))
    headers += trace_context.items()
    headers.append(("x-forwarded-proto", request.url.scheme))
    if request.client is not None:
        headers.append(("x-forwarded-for", request.client.host))
    if request.url.query:
        upstream_url += "?" + request.url.query
    call = asyncio.ensure_future(
        session.request(
            request.method,
            upstream_url,
            data=body or None,
            headers=headers,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        )
    )
    try:
        upstream = await _unless_client_leaves(request, call)
    except TimeoutError as exc:
        raise UpstreamTimeoutError(service, timeout_seconds) from exc
    except aiohttp.ClientError as exc:
        raise UpstreamUnreachableError(service) from exc
    return StreamingResponse(
        _body_of(upstream),
        status_code=upstream.status,
        headers={
            name: upstream.headers[name]
            for name in FORWARDED_RESPONSE_HEADERS
            if name in upstream.headers
        },
        background=BackgroundTask(upstream.release),
    )


async def _unless_client_leaves(
    request: Request, call: "asyncio.Future[aiohttp.ClientResponse]"
) -> aiohttp.ClientResponse:
    """`call`'s answer; ClientDisconnect, and `call` abandoned, if the client leaves first:
    no one would read it, and a late upstream must not be recorded as the gateway's 504."""
    gone = asyncio.ensure_future(_disconnect_of(request))
    first: set[asyncio.Future[Any]] = {call, gone}
    try:
        await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
        if call.done():
            return call.result()
        raise ClientDisconnect
    finally:
        for task in (call, gone):
            task.cancel()


async def _disconnect_of(request: Request) -> None:
    # The body is read by now: the next message the server has is the disconnect.
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _body_of(upstream: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.content.iter_chunked(64 * 1024):
            yield chunk
    except (TimeoutError, aiohttp.ClientError, asyncio.CancelledError):
        upstream.close()
        raise
