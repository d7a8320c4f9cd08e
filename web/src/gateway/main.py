"""The gateway app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gateway.config import Settings
from gateway.routes import STATIC, router
from gateway.security import SecurityHeadersMiddleware
from shopkit.app import create_app as create_service_app
from shopkit.http_client import close_session, create_session


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway: the page at /, its assets at /static, the services behind /api."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.session = create_session()
        # The gateway owns no store: it is ready whenever it runs. Each service's health
        # is at /health/{service}.
        app.state.health_checks = []
        try:
            yield
        finally:
            await close_session(app.state.session)

    app = create_service_app(
        service="gateway",
        distribution="web-gateway",
        settings=settings,
        routers=[router],
        lifespan=lifespan,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    return app
