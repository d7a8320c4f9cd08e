"""The gateway's routes: the page, /api/** per service, and each service's health."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.responses import Response

from gateway.bootstrap import GatewayDependencies
from gateway.problems import UnknownServiceError
from gateway.proxy import forward
from shopkit.wiring import dependencies_of

STATIC = Path(__file__).resolve().parent / "static"
API_METHODS = ["GET", "POST", "PUT", "DELETE"]

router = APIRouter()


async def _gateway(request: Request) -> GatewayDependencies:
    return dependencies_of(request, GatewayDependencies)


Gateway = Annotated[GatewayDependencies, Depends(_gateway)]


def _upstream(gateway: GatewayDependencies, service: str) -> str:
    upstreams = gateway.settings.upstreams()
    if service not in upstreams:
        raise UnknownServiceError(service)
    return upstreams[service].rstrip("/")


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def _forward_api(
    request: Request, gateway: GatewayDependencies, service: str, path: str
) -> Response:
    suffix = f"/{path}" if path else ""
    return await forward(
        request,
        gateway.session,
        service,
        f"{_upstream(gateway, service)}/api/{service}{suffix}",
        timeout_seconds=gateway.settings.upstream_timeout_seconds,
        max_body_bytes=gateway.settings.max_body_bytes,
    )


@router.api_route("/api/{service}", methods=API_METHODS, include_in_schema=False)
async def api_root(request: Request, gateway: Gateway, service: str) -> Response:
    """Forward ``/api/{service}`` to that service."""
    return await _forward_api(request, gateway, service, "")


@router.api_route("/api/{service}/{path:path}", methods=API_METHODS, include_in_schema=False)
async def api(request: Request, gateway: Gateway, service: str, path: str) -> Response:
    """Forward ``/api/{service}/**`` to that service."""
    return await _forward_api(request, gateway, service, path)


@router.get("/health/{service}")
async def service_health(request: Request, gateway: Gateway, service: str) -> Response:
    """A service's own ``/actuator/health``: 200 UP, 503 DOWN, or 502/504 if unreachable."""
    return await forward(
        request,
        gateway.session,
        service,
        f"{_upstream(gateway, service)}/actuator/health",
        timeout_seconds=min(gateway.settings.upstream_timeout_seconds, 2.0),
        max_body_bytes=0,
    )


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> JSONResponse:
    # The page declares an inline SVG icon; answer browsers that ask anyway without a 404.
    return JSONResponse(None, status_code=204)
