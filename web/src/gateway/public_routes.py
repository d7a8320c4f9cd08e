"""The public shop: the only requests the gateway forwards, by method and path template.

A path is matched only in its canonical form, and then forwarded byte for byte as matched:
nothing that a service could decode or normalise into another path ever leaves the gateway.
Anything else is refused here, before it reaches a service.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gateway.problems import MethodNotAllowedError, NonCanonicalPathError, NoSuchRouteError
from shopkit.skus import SKU_PATTERN

CANONICAL_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
"""RFC 3986 unreserved characters only: no percent-encoding (so no encoded dot, slash,
backslash, NUL or double encoding), no backslash, no ``;`` parameters, nothing non-ASCII."""

PARAMETERS: Mapping[str, re.Pattern[str]] = {
    # Product ids are MongoDB ObjectIds, as the reference system's were.
    "id": re.compile(r"[0-9a-fA-F]{24}"),
    # A SKU code, but never the segment of the internal reservations API that sits beside
    # /api/inventory/{skuCode}: no request reaches it by its shape, whatever method a
    # service adds there later.
    "skuCode": re.compile(r"(?!reservations$)" + SKU_PATTERN.removeprefix("^").removesuffix("$")),
    # A UUID in the hyphenated form the order service writes (its Location header, bodies).
    "orderNumber": re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"),
}
"""What each path parameter of the templates may be: one segment, never a dot in it."""


@dataclass(frozen=True)
class PublicRoute:
    """One route of the public shop, e.g. ``GET /api/order/{orderNumber}``."""

    service: str
    method: str
    template: str

    def __post_init__(self) -> None:
        unknown = [
            segment
            for segment in self.template.split("/")
            if segment.startswith("{") and segment.strip("{}") not in PARAMETERS
        ]
        if unknown:
            raise ValueError(f"{self.template}: no pattern for the parameters {unknown}")

    def matches(self, method: str, segments: tuple[str, ...]) -> bool:
        """Does this route take `method` on the canonical path of `segments`?"""
        expected = self.template.strip("/").split("/")
        return (
            method == self.method
            and len(segments) == len(expected)
            and all(map(_segment_matches, expected, segments))
        )


def _segment_matches(expected: str, segment: str) -> bool:
    if expected.startswith("{"):
        return bool(PARAMETERS[expected.strip("{}")].fullmatch(segment))
    return expected == segment


PUBLIC_API: Mapping[str, tuple[tuple[str, str], ...]] = {
    "product": (
        ("GET", "/api/product/allProducts"),
        ("GET", "/api/product"),
        ("GET", "/api/product/{id}"),
        ("POST", "/api/product/create"),
    ),
    "inventory": (
        ("GET", "/api/inventory"),
        ("PUT", "/api/inventory/{skuCode}"),
    ),
    "order": (
        ("POST", "/api/order/create"),
        ("GET", "/api/order"),
        ("GET", "/api/order/{orderNumber}"),
        ("POST", "/api/order/{orderNumber}/cancel"),
    ),
}
"""Per service, the routes (method, path template) the shop's page and clients call. Writes
still need a token, which the service verifies. Reservations, /actuator, /docs, /redoc and
/openapi.json are not on it."""

PUBLIC_ROUTES = tuple(
    PublicRoute(service, method, template)
    for service, routes in PUBLIC_API.items()
    for method, template in routes
)


def canonical_path(raw_path: bytes) -> tuple[str, tuple[str, ...]]:
    """The path and its segments, if it is canonical:
    absolute, no empty segment (``//``, a trailing ``/``), no ``.`` or ``..`` segment, and
    unreserved characters only. NonCanonicalPathError otherwise."""
    try:
        path = raw_path.decode("ascii")
    except UnicodeDecodeError:
        raise NonCanonicalPathError() from None
    segments = tuple(path.split("/")[1:])
    canonical = path.startswith("/") and all(
        CANONICAL_SEGMENT.fullmatch(segment) and segment.strip(".") for segment in segments
    )
    if not canonical:
        raise NonCanonicalPathError()
    return path, segments


def public_route(method: str, raw_path: bytes) -> tuple[PublicRoute, str]:
    """The public route `method` and `raw_path` ask for, and the canonical path to forward.

    NonCanonicalPathError (400) for a path that is not canonical, MethodNotAllowedError (405)
    for a listed path asked with another method, NoSuchRouteError (404) for one not listed.
    """
    path, segments = canonical_path(raw_path)
    for route in PUBLIC_ROUTES:
        if route.matches(method, segments):
            return route, path
    allowed = sorted(
        {route.method for route in PUBLIC_ROUTES if route.matches(route.method, segments)}
    )
    if allowed:
        raise MethodNotAllowedError(method, path, allowed)
    raise NoSuchRouteError(method, path)
