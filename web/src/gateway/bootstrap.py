"""The gateway's composition root: its settings and the one HTTP session to the services."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import aiohttp

from gateway.config import Settings
from shopkit.http_client import close_session, create_session
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import Wired


@dataclass(frozen=True)
class GatewayDependencies:
    settings: Settings
    session: aiohttp.ClientSession


def bootstrap(
    settings: Settings,
) -> Callable[[ServiceMetrics], AbstractAsyncContextManager[Wired[GatewayDependencies]]]:
    """Opens the session the gateway forwards through, and closes it at shutdown."""

    @asynccontextmanager
    async def wire(metrics: ServiceMetrics) -> AsyncIterator[Wired[GatewayDependencies]]:
        session = create_session()
        try:
            # The gateway owns no store: it is ready whenever it runs. Each service's health
            # is at /health/{service}.
            yield Wired(GatewayDependencies(settings, session))
        finally:
            await close_session(session)

    return wire
