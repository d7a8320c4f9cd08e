"""The gateway's routes: the page, /api/** per service, and each service's health."""

from pathlib import Path

import aiohttp
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.responses import Response

from gateway.config import Settings
from gateway.proxy import forward
from shopkit.errors import Problem

STATIC = Path(__file__).resolve().parent / "static"
API_METHODS = ["GET", "POST", "PUT", "DELETE"]

router = APIRouter()


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session(request: Request) -> aiohttp.ClientSession:
    session: aiohttp.ClientSession = request.app.state.session
    return session


def _upstream(request: Request, service: str) -> str:
    upstreams = _settings(request).upstreams()
    if service not in upstreams:
        raise Problem(404, "unknown-service", "Unknown service", f"No service named {service}.")
    return upstreams[service].rstrip("/")


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def _forward_api(request: Request, service: str, path: str) -> Response:
    settings = _settings(request)
    suffix = f"/{path}" if path else ""
    return await forward(
        request,
        _session(request),
        service,
        f"{_upstream(request, service)}/api/{service}{suffix}",
        timeout_seconds=settings.upstream_timeout_seconds,
        max_body_bytes=settings.max_body_bytes,
    )


@router.api_route("/api/{service}", methods=API_METHODS, include_in_schema=False)
async def api_root(request: Request, service: str) -> Response:
    """Forward ``/api/{service}`` to that service."""
    return await _forward_api(request, service, "")


@router.api_route("/api/{service}/{path:path}", methods=API_METHODS, include_in_schema=False)
async def api(request: Request, service: str, path: str) -> Response:
    """Forward ``/api/{service}/**`` to that service."""
    return await _forward_api(request, service, path)


@router.get("/health/{service}")
async def service_health(request: Request, service: str) -> Response:
    """A service's own ``/actuator/health``: 200 UP, 503 DOWN, or 502/504 if unreachable."""
    settings = _settings(request)
    return await forward(
        request,
        _session(request),
        service,
        f"{_upstream(request, service)}/actuator/health",
        timeout_seconds=min(settings.upstream_timeout_seconds, 2.0),
        max_body_bytes=0,
    )


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> JSONResponse:
    # The page declares an inline SVG icon; answer browsers that ask anyway without a 404.
    return JSONResponse(None, status_code=204)
