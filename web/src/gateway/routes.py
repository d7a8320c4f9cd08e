"""The gateway's routes: the page, the public shop API per service, and each service's health."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.responses import Response

from gateway.bootstrap import GatewayDependencies
from gateway.deps import CallerSession, Gateway, rate_limited_writes
from gateway.problems import UnknownServiceError
from gateway.proxy import forward
from gateway.public_origin import redirect_to_public_url
from gateway.public_routes import public_route
from shopkit.auth import checked_elsewhere, public

STATIC = Path(__file__).resolve().parent / "static"
# Every method a client may try: off the public list is a 404 whatever the method.
API_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]

router = APIRouter()


def _upstream(gateway: GatewayDependencies, service: str) -> str:
    upstreams = gateway.settings.upstreams()
    if service not in upstreams:
        raise UnknownServiceError(service)
    return upstreams[service].rstrip("/")


@router.get("/", include_in_schema=False, dependencies=[public])
async def page(request: Request, gateway: Gateway) -> Response:
    elsewhere = redirect_to_public_url(request, gateway.settings.public_url)
    if elsewhere is not None:
        return elsewhere
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


@router.api_route(
    "/api/{path:path}",
    methods=API_METHODS,
    include_in_schema=False,
    # Access is the service's to decide: each verifies the token for its own routes.
    # Verifying here too would cost a second verification on every call and need the
    # issuer's keys in the gateway, to decide nothing the service does not.
    # Writes are counted per client before anything else (reads are not: they are cheap).
    dependencies=[checked_elsewhere, rate_limited_writes],
)
async def api(request: Request, gateway: Gateway, caller: CallerSession) -> Response:
    """Forward a route of the public shop (gateway.public_routes) to its service, with the
    signed-in caller's access token; a guest's request goes as it came."""
    # The path as sent, not the decoded one the router matched: what is checked is what
    # the service receives.
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    route, path = public_route(request.method, raw_path)
    return await forward(
        request,
        gateway.session,
        route.service,
        _upstream(gateway, route.service) + path,
        timeout_seconds=gateway.settings.upstream_timeout_seconds,
        access_token=caller.access_token if caller is not None else None,
    )


@router.get("/health/{service}", dependencies=[public])
async def service_health(request: Request, gateway: Gateway, service: str) -> Response:
    """A service's own ``/actuator/health``: 200 UP, 503 DOWN, or 502/504 if unreachable."""
    return await forward(
        request,
        gateway.session,
        service,
        f"{_upstream(gateway, service)}/actuator/health",
        timeout_seconds=min(gateway.settings.upstream_timeout_seconds, 2.0),
    )


@router.get("/favicon.ico", include_in_schema=False, dependencies=[public])
async def favicon() -> JSONResponse:
    # The page declares an inline SVG icon; answer browsers that ask anyway without a 404.
    return JSONResponse(None, status_code=204)
