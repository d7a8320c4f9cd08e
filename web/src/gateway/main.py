"""The gateway app."""

from collections.abc import Callable

import aiohttp
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gateway.auth.ports import IdentityProvider
from gateway.auth.routes import router as auth_router
from gateway.bootstrap import bootstrap
from gateway.config import Settings
from gateway.faults import router as faults_router
from gateway.problems import PROBLEMS
from gateway.routes import STATIC, router
from gateway.security import SecurityHeadersMiddleware
from shopkit.app import create_app as create_service_app


def create_app(
    settings: Settings | None = None,
    provider: Callable[[aiohttp.ClientSession], IdentityProvider] | None = None,
) -> FastAPI:
    """The gateway: the page at /, its assets at /static, sign-in at /auth, the public shop
    API behind /api, and its own metrics, info and API documents on the management port
    only. `provider` stands in for the issuer (tests)."""
    settings = settings or Settings()

    app = create_service_app(
        service="gateway",
        distribution="web-gateway",
        settings=settings,
        routers=[auth_router, faults_router, router],
        bootstrap=bootstrap(settings, provider),
        problems=PROBLEMS,
        management=settings.management(),
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.served_over_https)
    return app
