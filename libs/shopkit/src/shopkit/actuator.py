"""Spring Boot Actuator-compatible endpoints, so existing probes and scrapers keep working."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from shopkit.health import run_checks
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import wired_of


async def _health(request: Request, metrics: ServiceMetrics) -> JSONResponse:
    results = await run_checks(list(wired_of(request).health_checks))
    for component, ok in results.items():
        metrics.db_up.labels(component).set(1 if ok else 0)
    up = all(results.values())
    body: dict[str, Any] = {
        "status": "UP" if up else "DOWN",
        "components": {name: {"status": "UP" if ok else "DOWN"} for name, ok in results.items()},
    }
    return JSONResponse(body, status_code=200 if up else 503)


def create_router(metrics: ServiceMetrics) -> APIRouter:
    """The actuator endpoints of the service whose metrics are `metrics`."""
    router = APIRouter(prefix="/actuator", tags=["actuator"])

    @router.get("/health")
    async def health(request: Request) -> JSONResponse:
        """Overall health: UP only when every dependency the service owns answers."""
        return await _health(request, metrics)

    @router.get("/health/readiness")
    async def readiness(request: Request) -> JSONResponse:
        """Ready for traffic: the service's own stores answer. Never other services."""
        return await _health(request, metrics)

    @router.get("/health/liveness")
    async def liveness() -> dict[str, str]:
        """The process serves requests. Touches no network, so a database blip restarts nothing."""
        return {"status": "UP"}

    @router.get("/info")
    async def info() -> dict[str, Any]:
        """Build name, version and git commit, in Spring's shape."""
        body: dict[str, Any] = {"build": {"name": metrics.service, "version": metrics.version}}
        if metrics.commit:
            body["git"] = {"commit": {"id": metrics.commit}}
        return body

    @router.get("/prometheus")
    async def prometheus(request: Request) -> Response:
        """Every metric of this service, in the format the scraper asks for."""
        return await metrics.exposition(request)

    return router
