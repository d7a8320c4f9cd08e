"""The gateway app."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gateway.bootstrap import bootstrap
from gateway.config import Settings
from gateway.problems import PROBLEMS
from gateway.routes import STATIC, router
from gateway.security import SecurityHeadersMiddleware
from shopkit.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway: the page at /, its assets at /static, the public shop API behind /api,
    and its own metrics, info and API documents on the management port only."""
    settings = settings or Settings()

    app = create_service_app(
        service="gateway",
        distribution="web-gateway",
        settings=settings,
        routers=[router],
        bootstrap=bootstrap(settings),
        problems=PROBLEMS,
        management=settings.management(),
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    return app
