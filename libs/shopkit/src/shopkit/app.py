"""The app factory every service is built with."""

from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.metadata import version as package_version
from typing import Any

from fastapi import APIRouter, FastAPI

from shopkit import actuator
from shopkit.auth import AUTH_PROBLEMS, AUTH_STATE_KEY, ensure_access_declared, open_verifier
from shopkit.errors import ProblemType, install_problem_handlers
from shopkit.faults import install_fault_flags
from shopkit.limits import install_edge_limits
from shopkit.metrics import RequestObservabilityMiddleware, ServiceMetrics
from shopkit.openapi import document_responses
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
    management: actuator.ManagementPort | None = None,
) -> FastAPI:
    """A FastAPI app with problem+json errors, request metrics, access logs, actuator and
    verified access tokens (every route must declare who may call it: shopkit.auth.access).

    `bootstrap` builds the service's object graph at start-up (routes read it with
    `shopkit.wiring.dependencies_of`); `problems` is the service's catalogue of domain errors.
    With `management`, the actuator (but its health probes) and the API documents are served
    only there, by the same process, as Spring Boot's ``management.server.port`` does.
    """
    if management is not None and management.port == settings.port:
        raise ValueError(f"the management port {management.port} is the service's own port")
    version = package_version(distribution)
    metrics = ServiceMetrics(service=service, version=version, commit=settings.git_commit)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        async with AsyncExitStack() as stack:
            wired = await stack.enter_async_context(bootstrap(metrics))
            verifier = await stack.enter_async_context(open_verifier(settings.auth))
            state = {WIRED_STATE_KEY: wired, AUTH_STATE_KEY: verifier}
            if management is not None:
                await stack.enter_async_context(
                    actuator.serving_management(
                        app, management, state, settings.shutdown_grace_seconds
                    )
                )
            yield state

    app = FastAPI(
        title=f"shopstack {service} service",
        version=version,
        lifespan=lifespan,
        # shopkit.tracing instruments the app (with /actuator/* left out) and shopkit.metrics
        # counts requests: FastAPI's own telemetry would record every request twice.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    catalogue = [*AUTH_PROBLEMS, *problems]
    install_problem_handlers(app, catalogue)
    install_fault_flags(app, service, metrics)
    if management is not None:
        documents = (app.docs_url, app.redoc_url, app.openapi_url)
        app.add_middleware(
            actuator.PortSplitMiddleware,
            management_paths=[path for path in documents if path is not None],
        )
    install_edge_limits(app, settings)
    # Added after the split, so outside it: refused requests are counted too.
    app.add_middleware(RequestObservabilityMiddleware, metrics=metrics)
    app.include_router(actuator.create_router(metrics))
    for router in routers:
        app.include_router(router)
    # Deny by default: a route that does not say who may call it stops the service starting.
    ensure_access_declared(app)
    document_responses(app, catalogue)
    # Last, so its middleware is outermost: the server span is current in ours (exemplars).
    instrument_app(app)
    return app
