"""Spring Boot Actuator-compatible endpoints, so existing probes and scrapers keep working."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from shopkit.health import HealthCheck, run_checks
from shopkit.metrics import ServiceMetrics

router = APIRouter(prefix="/actuator", tags=["actuator"])


def _checks(request: Request) -> list[HealthCheck]:
    checks: list[HealthCheck] = request.app.state.health_checks
    return checks


def _metrics(request: Request) -> ServiceMetrics:
    metrics: ServiceMetrics = request.app.state.metrics
    return metrics


async def _health(request: Request) -> JSONResponse:
    results = await run_checks(_checks(request))
    metrics = _metrics(request)
    for component, ok in results.items():
        metrics.db_up.labels(component).set(1 if ok else 0)
    up = all(results.values())
    body: dict[str, Any] = {
        "status": "UP" if up else "DOWN",
        "components": {name: {"status": "UP" if ok else "DOWN"} for name, ok in results.items()},
    }
    return JSONResponse(body, status_code=200 if up else 503)


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    """Overall health: UP only when every dependency the service owns answers."""
    return await _health(request)


@router.get("/health/readiness")
async def readiness(request: Request) -> JSONResponse:
    """Ready for traffic: the service's own stores answer. Never other services."""
    return await _health(request)


@router.get("/health/liveness")
async def liveness() -> dict[str, str]:
    """The process serves requests. Touches no network, so a database blip restarts nothing."""
    return {"status": "UP"}


@router.get("/info")
async def info(request: Request) -> dict[str, Any]:
    """Build name, version and git commit, in Spring's shape."""
    metrics = _metrics(request)
    body: dict[str, Any] = {"build": {"name": metrics.service, "version": metrics.version}}
    if metrics.commit:
        body["git"] = {"commit": {"id": metrics.commit}}
    return body


@router.get("/prometheus")
async def prometheus(request: Request) -> Response:
    """Every metric of this service, in the format the scraper asks for."""
    return await _metrics(request).exposition(request)
