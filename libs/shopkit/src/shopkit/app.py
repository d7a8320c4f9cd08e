"""The app factory every service is built with."""

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from importlib.metadata import version as package_version
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI

from shopkit import actuator
from shopkit.errors import install_problem_handlers
from shopkit.metrics import RequestObservabilityMiddleware, ServiceMetrics
from shopkit.settings import ServiceSettings
from shopkit.tracing import instrument_app


class Lifespan(Protocol):
    def __call__(self, app: FastAPI) -> AbstractAsyncContextManager[Any]: ...


def create_app(
    *,
    service: str,
    distribution: str,
    settings: ServiceSettings,
    routers: Iterable[APIRouter],
    lifespan: Lifespan,
) -> FastAPI:
    """A FastAPI app with problem+json errors, request metrics, access logs and actuator.

    `lifespan` opens the service's resources and registers their health checks on
    ``app.state.health_checks``.
    """
    version = package_version(distribution)
    app = FastAPI(
        title=f"shopstack {service} service",
        version=version,
        lifespan=lifespan,
        # shopkit.tracing instruments the app (with /actuator/* left out) and shopkit.metrics
        # counts requests: FastAPI's own telemetry would record every request twice.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.health_checks = []
    app.state.metrics = ServiceMetrics(service=service, version=version, commit=settings.git_commit)
    install_problem_handlers(app)
    app.add_middleware(RequestObservabilityMiddleware, metrics=app.state.metrics)
    app.include_router(actuator.router)
    for router in routers:
        app.include_router(router)
    # Last, so its middleware is outermost: the server span is current in ours (exemplars).
    instrument_app(app)
    return app
