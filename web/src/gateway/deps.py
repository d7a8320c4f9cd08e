"""What the gateway's routes depend on, declared once as typed aliases."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.auth.csrf import refuse_other_origins, require_csrf_token
from gateway.auth.domain import Session
from gateway.auth.errors import CsrfRejectedError, SessionExpiredError
from gateway.bootstrap import GatewayDependencies
from shopkit.wiring import dependencies_of


async def _gateway(request: Request) -> GatewayDependencies:
    return dependencies_of(request, GatewayDependencies)


Gateway = Annotated[GatewayDependencies, Depends(_gateway)]


@dataclass(frozen=True)
class SessionLookup:
    """The request's session cookie and the session it opens, if any."""

    cookie: str | None
    session: Session | None

    @property
    def stale(self) -> bool:
        """A cookie that opens no session any more: signed out, expired or refused."""
        return self.cookie is not None and self.session is None


async def _session_lookup(request: Request, gateway: Gateway) -> SessionLookup:
    public_origin = gateway.settings.public_url
    accounts = gateway.accounts
    try:
        refuse_other_origins(request, public_origin)
        cookie = accounts.cookies.session_of(request.cookies)
        if cookie is None:
            return SessionLookup(None, None)
        try:
            session = await accounts.session(cookie)
        except SessionExpiredError:
            return SessionLookup(cookie, None)
        require_csrf_token(request, public_origin, session)
    except CsrfRejectedError:
        accounts.events.forgery_refused()
        raise
    return SessionLookup(cookie, session)


BrowserSession = Annotated[SessionLookup, Depends(_session_lookup)]
"""Checked against forgery: a state-changing request from another origin, or on a session
without its CSRF token, is refused before anything else happens."""


async def _signed_in_or_guest(lookup: BrowserSession, gateway: Gateway) -> Session | None:
    if lookup.stale:
        # Never a guest in its place: a signed-in order must not become a guest's.
        raise SessionExpiredError(gateway.accounts.cookies.clear_session())
    return lookup.session


CallerSession = Annotated[Session | None, Depends(_signed_in_or_guest)]
"""The signed-in caller's session, or None for a guest; a stale cookie is a 401."""


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _client_of(request: Request) -> str:
    # The address uvicorn resolved (X-Forwarded-For from a trusted proxy only).
    return request.client.host if request.client is not None else "unknown"


async def _limit_writes(request: Request, gateway: Gateway) -> None:
    if request.method in WRITE_METHODS:
        limits = gateway.rate_limits
        await limits.hit(limits.writes, _client_of(request))


async def _limit_sign_in(request: Request, gateway: Gateway) -> None:
    limits = gateway.rate_limits
    await limits.hit(limits.sign_in, _client_of(request))


rate_limited_writes = Depends(_limit_writes)
"""A write (POST, PUT, PATCH, DELETE) counts against its client's limit; reads do not."""

rate_limited_sign_in = Depends(_limit_sign_in)
"""A sign-in step counts against its client's sign-in limit."""
