"""The flags at work in a service: evaluated through OpenFeature, injected by an ASGI
middleware into the service's API requests, and exported as one gauge per flag."""

import asyncio
import logging
import random
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from openfeature import api
from openfeature.provider import FeatureProvider
from openfeature.provider.no_op_provider import NoOpProvider
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkit.errors import PROBLEM_TYPE_PREFIX, problem_response
from shopkit.faults.errors import InvalidFaultValueError
from shopkit.faults.flags import (
    DATABASE_LATENCY,
    INVENTORY_ERRORS,
    INVENTORY_LATENCY,
    PRODUCT_UNAVAILABLE,
    FaultFlag,
    FlagValue,
)

API_PREFIX = "/api/"
"""Only the API is faulted: health, metrics and documents stay truthful."""
RETRY_AFTER_SECONDS = "5"

logger = logging.getLogger(__name__)

# Read by `database_fault` in the adapters: the request's own value, no global state.
_database_delay: ContextVar[float] = ContextVar("shopstack_database_fault_delay", default=0.0)


async def database_fault() -> None:
    """Wait before a database unit of work as long as the slow-database flag says."""
    delay = _database_delay.get()
    if delay:
        await asyncio.sleep(delay)


class FaultFlags:
    """The flags of one service, read through its own OpenFeature domain (several apps may
    share a process, each with its own provider)."""

    def __init__(self, flags: tuple[FaultFlag, ...], provider: FeatureProvider | None) -> None:
        self.flags = flags
        self._provider = provider
        self._domain = f"shopstack-faults-{uuid.uuid4().hex}"
        self._client = api.get_client(domain=self._domain)
        self._started = False

    def start(self) -> None:
        """Bind the provider and wait for its first flags (blocking: run it off the loop)."""
        if self._provider is None or self._started:
            return
        self._started = True
        try:
            api.set_provider_and_wait(self._provider, self._domain)
        except Exception:
            # Unreadable flags must not stop the service: every flag stays off until fixed.
            logger.warning("fault flags unavailable; every fault is off", exc_info=True)

    def stop(self) -> None:
        """Unbind the provider, which stops watching its source."""
        if self._started:
            api.set_provider(NoOpProvider(), self._domain)
            self._started = False

    def values(self) -> dict[str, FlagValue]:
        """Each flag's value now; off for one missing, mistyped or out of range."""
        return {flag.name: self._value(flag) for flag in self.flags}

    def _value(self, flag: FaultFlag) -> FlagValue:
        raw: FlagValue
        if flag.kind is bool:
            raw = self._client.get_boolean_value(flag.name, False)
        elif flag.kind is int:
            raw = self._client.get_integer_value(flag.name, 0)
        else:
            raw = self._client.get_float_value(flag.name, 0.0)
        try:
            return flag.validated(raw)
        except InvalidFaultValueError:
            return flag.off


@dataclass(frozen=True)
class _RouteLabel:
    """Stands for the matched route (its ``path`` labels the request metrics) when a fault
    answers before the router has matched one."""

    path: str


class FaultInjectionMiddleware:
    """Delays, fails or refuses the service's API requests as its flags say."""

    def __init__(
        self,
        app: ASGIApp,
        faults: FaultFlags,
        routes: Callable[[], list[tuple[re.Pattern[str], str]]],
        chance: Callable[[], float] = random.random,
    ) -> None:
        self.app = app
        self.faults = faults
        self._routes = routes
        self._chance = chance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._following_lifespan(receive), send)
            return
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        values = self.faults.values()
        if values.get(PRODUCT_UNAVAILABLE.name):
            await self._answer(scope, receive, send, 503, "service-unavailable")
            return
        ratio = float(values.get(INVENTORY_ERRORS.name, 0.0))
        if ratio and self._chance() < ratio:
            await self._answer(scope, receive, send, 500, "injected-fault")
            return
        latency_ms = int(values.get(INVENTORY_LATENCY.name, 0))
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        token = _database_delay.set(int(values.get(DATABASE_LATENCY.name, 0)) / 1000)
        try:
            await self.app(scope, receive, send)
        finally:
            _database_delay.reset(token)

    def _following_lifespan(self, receive: Receive) -> Receive:
        async def receive_and_follow() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(self.faults.start)
            elif message["type"] == "lifespan.shutdown":
                self.faults.stop()
            return message

        return receive_and_follow

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, status: int, slug: str
    ) -> None:
        path = scope["path"]
        template = next((name for pattern, name in self._routes() if pattern.match(path)), None)
        if template is not None:
            scope["route"] = _RouteLabel(template)
        switched = PRODUCT_UNAVAILABLE.name if status == 503 else INVENTORY_ERRORS.name
        response = problem_response(
            Request(scope),
            status,
            "Service Unavailable" if status == 503 else "Internal Server Error",
            f"A fault was switched on for a demo or game day (flag {switched}).",
            PROBLEM_TYPE_PREFIX + slug,
            headers={"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None,
            fault=switched,
        )
        await response(scope, receive, send)


def route_templates(app: FastAPI) -> Callable[[], list[tuple[re.Pattern[str], str]]]:
    """The app's route templates with their path patterns, read once on first use (every
    router is included by then)."""
    cached: list[tuple[re.Pattern[str], str]] = []

    def routes() -> list[tuple[re.Pattern[str], str]]:
        if not cached:
            for context in iter_route_contexts(app.routes):
                if context.path and context.path.startswith(API_PREFIX):
                    cached.append((compile_path(context.path)[0], context.path))
        return cached

    return routes
