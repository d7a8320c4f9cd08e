"""Calls to other shopstack services: pooled aiohttp, timeouts, retries, a circuit breaker.

aiohttp's client, not httpx's: measured here, httpx's async client served 10x fewer
requests under 32 concurrent calls.
"""

import asyncio
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import aiohttp
import orjson
from opentelemetry import propagate
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from shopkit import tracing
from shopkit.metrics import ServiceMetrics, outcome_of


class ServiceUnavailableError(Exception):
    """Another service gave no usable answer: unreachable, too slow, failing, or its
    circuit is open. The caller's request may succeed later."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is unavailable: {reason}")
        self.service = service
        self.reason = reason


class _ServerError(Exception):
    """A 5xx answer: retried like a dropped connection, and counted by the breaker."""

    def __init__(self, status: int) -> None:
        super().__init__(f"answered {status}")
        self.status = status


class AuthorizationSource(Protocol):
    """Where a client's Authorization header comes from, e.g. shopkit.auth.ClientCredentials."""

    async def header(self) -> str:
        """The header's value, e.g. ``Bearer <token>``."""
        ...


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


@dataclass(frozen=True)
class ClientPolicy:
    """How long to wait, how often to retry, and when to stop calling a failing service."""

    connect_timeout: float = 0.5
    total_timeout: float = 2.0
    attempts: int = 2
    breaker_threshold: int = 5
    breaker_reset_seconds: float = 5.0


def create_session(connections: int = 200) -> aiohttp.ClientSession:
    """One pooled session per process: connections are reused across requests."""
    trace_configs = []
    if tracing.enabled():
        from opentelemetry.instrumentation.aiohttp_client import create_trace_config

        trace_configs.append(create_trace_config())
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections, ttl_dns_cache=300),
        json_serialize=lambda value: orjson.dumps(value, default=_encode).decode(),
        trace_configs=trace_configs,
    )


def _encode(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _decode(raw: bytes) -> Any:
    # Fractions as Decimal: a price read from another service stays exact.
    return json.loads(raw, parse_float=Decimal) if raw else None


class ServiceClient:
    """A client for one other service, e.g. inventory, with its own circuit breaker."""

    def __init__(
        self,
        name: str,
        base_url: str,
        session: aiohttp.ClientSession,
        policy: ClientPolicy | None = None,
        metrics: ServiceMetrics | None = None,
        authorization: AuthorizationSource | None = None,
    ) -> None:
        self.name = name
        self._authorization = authorization
        self._metrics = metrics
        self._base_url = base_url.rstrip("/")
        self._session = session
        self._policy = policy or ClientPolicy()
        self._timeout = aiohttp.ClientTimeout(
            total=self._policy.total_timeout, connect=self._policy.connect_timeout
        )
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=self._policy.breaker_threshold,
            default_ttl=self._policy.breaker_reset_seconds,
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        json: object = None,
        params: dict[str, str] | None = None,
        uri: str | None = None,
    ) -> Reply:
        """Send one request and answer its status and JSON body.

        `uri` is the path's template (``/api/order/{orderNumber}``) for the metrics label.

        Connection errors, timeouts and 5xx answers are retried only when `idempotent`;
        when they persist, or the circuit is open, ServiceUnavailableError is raised.
        4xx answers are returned: they are the other service's verdict, not a failure.
        With an `authorization` source, its header is sent on every call; when it has none
        to give, its ServiceUnavailableError is raised (the callee's circuit is not charged).
        """
        authorization = await self._authorization.header() if self._authorization else None
        try:
            breaker = await self._breakers.get_breaker(self.name)
            async with breaker:
                return await self._send_with_retries(
                    method, path, uri or path, idempotent, json, params, authorization
                )
        except OpenedState as exc:
            raise ServiceUnavailableError(
                self.name, "circuit open after repeated failures"
            ) from exc
        except (aiohttp.ClientError, TimeoutError, _ServerError) as exc:
            raise ServiceUnavailableError(self.name, str(exc) or type(exc).__name__) from exc

    async def _send_with_retries(
        self,
        method: str,
        path: str,
        uri: str,
        idempotent: bool,
        body: object,
        params: dict[str, str] | None,
        authorization: str | None,
    ) -> Reply:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._policy.attempts if idempotent else 1),
            wait=wait_exponential_jitter(multiplier=0.05, max=0.5),
            retry=retry_if_exception_type((aiohttp.ClientError, TimeoutError, _ServerError)),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._timed_send(method, path, uri, body, params, authorization)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    async def _timed_send(
        self,
        method: str,
        path: str,
        uri: str,
        body: object,
        params: dict[str, str] | None,
        authorization: str | None,
    ) -> Reply:
        started = time.perf_counter()
        status, outcome = "IO_ERROR", "UNKNOWN"
        try:
            reply = await self._send(method, path, body, params, authorization)
            status, outcome = str(reply.status), outcome_of(reply.status)
            return reply
        except _ServerError as exc:
            status, outcome = str(exc.status), outcome_of(exc.status)
            raise
        finally:
            if self._metrics is not None:
                self._metrics.http_client_requests.labels(
                    self.name, method, uri, status, outcome
                ).observe(time.perf_counter() - started)

    async def _send(
        self,
        method: str,
        path: str,
        body: object,
        params: dict[str, str] | None,
        authorization: str | None,
    ) -> Reply:
        headers: dict[str, str] = {}
        if authorization is not None:
            headers["Authorization"] = authorization
        propagate.inject(headers)  # W3C traceparent of the current span, if tracing is on
        async with self._session.request(
            method,
            self._base_url + path,
            json=body,
            params=params,
            headers=headers,
            timeout=self._timeout,
        ) as response:
            raw = await response.read()
        if response.status >= 500:
            raise _ServerError(response.status)
        try:
            return Reply(response.status, _decode(raw))
        except ValueError as exc:
            raise _ServerError(response.status) from exc


async def close_session(session: aiohttp.ClientSession) -> None:
    """Close the session and let its connections finish closing."""
    await session.close()
    await asyncio.sleep(0)
