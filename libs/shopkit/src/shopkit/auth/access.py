"""Declared access: every route states who may call it, as a FastAPI dependency.

``Anyone`` (or ``dependencies=[public]``) lets anonymous callers in; ``SignedIn`` needs a
valid user or service token; ``role("admin")`` a principal with that role;
``service_scope("inventory:reserve")`` a client-credentials token with that scope. Deny by
default: `undeclared_routes` lists the routes that declare none, and the app refuses to start
with any (see `ensure_access_declared`).
"""

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shopkit.auth.principal import Principal
from shopkit.auth.problems import AccessDeniedError, MissingTokenError, RejectedTokenError
from shopkit.auth.runtime import verifier_of
from shopkit.auth.verify import InvalidTokenError

EXEMPT_PREFIX = "/actuator"
"""Probes must reach health without a token; the scraped endpoints are the network's to guard."""

logger = logging.getLogger(__name__)

# Only for the OpenAPI document's security scheme: the header is read below, strictly.
_bearer_scheme = HTTPBearer(auto_error=False, description="An access token of the issuer")


async def _principal_if_sent(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer_scheme)],
) -> Principal | None:
    values = request.headers.getlist("authorization")
    if not values:
        return None
    if len(values) > 1:
        raise RejectedTokenError("the request sent more than one Authorization header")
    scheme, _space, token = values[0].strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise RejectedTokenError("the Authorization header does not carry a Bearer token")
    try:
        return await verifier_of(request).verify(token)
    except InvalidTokenError as exc:
        logger.info("access token refused", extra={"reason": exc.reason})
        raise RejectedTokenError(f"the access token is refused: {exc.reason}") from None


SentPrincipal = Annotated[Principal | None, Depends(_principal_if_sent)]


def _signed_in(principal: Principal | None) -> Principal:
    if principal is None:
        raise MissingTokenError("this route needs an access token (Authorization: Bearer)")
    return principal


class AccessDeclaration:
    """A dependency that states who may call a route; `undeclared_routes` looks for these."""


class _Anyone(AccessDeclaration):
    async def __call__(self, principal: SentPrincipal) -> Principal | None:
        return principal


class _SignedIn(AccessDeclaration):
    async def __call__(self, principal: SentPrincipal) -> Principal:
        return _signed_in(principal)


@dataclass(frozen=True)
class _Role(AccessDeclaration):
    name: str

    async def __call__(self, principal: SentPrincipal) -> Principal:
        caller = _signed_in(principal)
        if self.name not in caller.roles:
            raise AccessDeniedError(f"this route needs the role '{self.name}'")
        return caller


@dataclass(frozen=True)
class _ServiceScope(AccessDeclaration):
    scope: str

    async def __call__(self, principal: SentPrincipal) -> Principal:
        caller = _signed_in(principal)
        if not caller.is_service:
            raise AccessDeniedError("this route is for other services only, not for users")
        if self.scope not in caller.scopes:
            raise AccessDeniedError(f"this route needs the scope '{self.scope}'")
        return caller


class _CheckedElsewhere(AccessDeclaration):
    async def __call__(self) -> None:
        return None


public: DependsParam = DependsParam(_Anyone())
"""Anonymous callers allowed; a token that is sent must still be valid."""

checked_elsewhere: DependsParam = DependsParam(_CheckedElsewhere())
"""Anyone may call, and the Authorization header is not read here: the route checks it by its
own rules (the identity service's OAuth endpoints, per their RFCs: Basic client
authentication at /token, its own tokens at /userinfo), or the service it forwards to does
(the gateway)."""

signed_in: DependsParam = DependsParam(_SignedIn())
"""Any valid user or service token."""

Anyone = Annotated[Principal | None, public]
"""The caller, or None when anonymous (a route open to anyone)."""

SignedIn = Annotated[Principal, signed_in]
"""The caller, who sent a valid user or service token."""


def role(name: str) -> DependsParam:
    """Only principals with role `name` (from the configured roles claim)."""
    return DependsParam(_Role(name))


def service_scope(scope: str) -> DependsParam:
    """Only another service's client-credentials token with `scope`; never a user token,
    even an admin's or one that carries the scope."""
    return DependsParam(_ServiceScope(scope))


class UndeclaredAccessError(Exception):
    """Routes that do not state who may call them: the app must not start."""

    def __init__(self, routes: list[str]) -> None:
        super().__init__(
            "routes without an access declaration (Anyone, SignedIn, role, service_scope): "
            + ", ".join(routes)
        )
        self.routes = routes


def undeclared_routes(app: FastAPI) -> list[str]:
    """Every route (``"GET /path"``) whose dependency tree declares no access, but /actuator."""
    # FastAPI keeps an included router as one entry of app.routes; its route contexts carry
    # each route with the dependencies the routers it was included through add.
    return [
        f"{','.join(sorted(context.methods or ()))} {context.path}"
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and not _exempt(context.path or "")
        and not _declares_access(context.dependant)
    ]


def ensure_access_declared(app: FastAPI) -> None:
    """Raise UndeclaredAccessError unless every route declares who may call it."""
    routes = undeclared_routes(app)
    if routes:
        raise UndeclaredAccessError(routes)


def _exempt(path: str) -> bool:
    return path == EXEMPT_PREFIX or path.startswith(EXEMPT_PREFIX + "/")


def _declares_access(dependant: Dependant) -> bool:
    return any(
        isinstance(dependency.call, AccessDeclaration) or _declares_access(dependency)
        for dependency in dependant.dependencies
    )
