"""The gateway's composition root: its settings, the one HTTP session to the services and
the issuer, and the session store sign-in keeps its tokens in."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import aiohttp

from gateway.auth.adapters.metrics import SessionMetrics
from gateway.auth.adapters.oidc import OidcClient
from gateway.auth.adapters.redis_store import open_redis_store
from gateway.auth.adapters.sqlite_store import open_sqlite_store
from gateway.auth.cookies import CookiePolicy
from gateway.auth.domain import Lifetimes
from gateway.auth.ports import IdentityProvider, SessionEvents, SessionStore
from gateway.auth.service import Accounts
from gateway.config import Settings
from gateway.rate_limit import RateLimits, rate_limits_of
from shopkit.health import HealthCheck
from shopkit.http_client import close_session, create_session
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import Wired


@dataclass(frozen=True)
class GatewayDependencies:
    settings: Settings
    session: aiohttp.ClientSession
    accounts: Accounts
    rate_limits: RateLimits


def open_session_store(url: str) -> AbstractAsyncContextManager[SessionStore]:
    """Redis for ``redis://`` and ``rediss://`` URLs, SQLite otherwise."""
    if url.startswith(("redis://", "rediss://")):
        return open_redis_store(url)
    return open_sqlite_store(url)


def accounts_of(
    settings: Settings, store: SessionStore, provider: IdentityProvider, events: SessionEvents
) -> Accounts:
    """The sign-in use cases as `settings` configure them."""
    return Accounts(
        store,
        provider,
        CookiePolicy(https=settings.served_over_https),
        events,
        lifetimes=Lifetimes(
            idle_seconds=settings.session_idle_seconds,
            absolute_seconds=settings.session_absolute_seconds,
            refresh_margin_seconds=settings.session_refresh_margin_seconds,
        ),
        redirect_uri=settings.public_url + "/auth/callback",
        post_logout_redirect_uri=settings.public_url + "/",
        sign_in_timeout_seconds=settings.sign_in_timeout_seconds,
    )


def bootstrap(
    settings: Settings,
    provider: Callable[[aiohttp.ClientSession], IdentityProvider] | None = None,
) -> Callable[[ServiceMetrics], AbstractAsyncContextManager[Wired[GatewayDependencies]]]:
    """Opens the HTTP session and the session store, and closes them at shutdown.
    `provider` replaces the OpenID Connect client (tests)."""

    # Read once at start, as the order service reads its own: a missing file stops the start.
    client_secret = settings.oidc_client_secret_value()

    def oidc_client(session: aiohttp.ClientSession) -> IdentityProvider:
        return OidcClient(
            session,
            settings.auth,
            client_id=settings.oidc_client_id,
            client_secret=client_secret,
            scopes=settings.oidc_scopes,
            backchannel_url=settings.oidc_backchannel_url,
            timeout_seconds=settings.oidc_timeout_seconds,
        )

    @asynccontextmanager
    async def wire(metrics: ServiceMetrics) -> AsyncIterator[Wired[GatewayDependencies]]:
        session = create_session()
        try:
            async with open_session_store(settings.session_store_url) as store:
                accounts = accounts_of(
                    settings,
                    store,
                    (provider or oidc_client)(session),
                    SessionMetrics(metrics.registry),
                )
                # Ready when its session store answers. Each service's health is at
                # /health/{service}; the issuer's is its own.
                yield Wired(
                    GatewayDependencies(settings, session, accounts, rate_limits_of(settings)),
                    health_checks=[HealthCheck("sessions", store.ping)],
                )
        finally:
            await close_session(session)

    return wire
