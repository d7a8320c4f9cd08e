"""The app factory every service is built with."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib.metadata import version as package_version
from typing import Any

from fastapi import APIRouter, FastAPI

from shopkit import actuator
from shopkit.errors import ProblemType, install_problem_handlers
from shopkit.metrics import RequestObservabilityMiddleware, ServiceMetrics
from shopkit.settings import ServiceSettings
from shopkit.tracing import instrument_app
from shopkit.wiring import WIRED_STATE_KEY, Bootstrap


def create_app(
    *,
    service: str,
    distribution: str,
    settings: ServiceSettings,
    routers: Iterable[APIRouter],
    bootstrap: Bootstrap[Any],
    problems: Iterable[ProblemType[Any]] = (),
) -> FastAPI:
    """A FastAPI app with problem+json errors, request metrics, access logs and actuator.

    `bootstrap` builds the service's object graph at start-up (routes read it with
    `shopkit.wiring.dependencies_of`); `problems` is the service's catalogue of domain errors.
    """
    version = package_version(distribution)
    metrics = ServiceMetrics(service=service, version=version, commit=settings.git_commit)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        async with bootstrap(metrics) as wired:
            yield {WIRED_STATE_KEY: wired}

    app = FastAPI(
        title=f"shopstack {service} service",
        version=version,
        lifespan=lifespan,
        # shopkit.tracing instruments the app (with /actuator/* left out) and shopkit.metrics
        # counts requests: FastAPI's own telemetry would record every request twice.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_problem_handlers(app, problems)
    app.add_middleware(RequestObservabilityMiddleware, metrics=metrics)
    app.include_router(actuator.create_router(metrics))
    for router in routers:
        app.include_router(router)
    # Last, so its middleware is outermost: the server span is current in ours (exemplars).
    instrument_app(app)
    return app
