"""The running app's token verifier: opened in the lifespan, read by the access dependencies."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from starlette.requests import Request

from shopkit.auth.keys import RemoteKeySet
from shopkit.auth.settings import AuthSettings
from shopkit.auth.verify import TokenVerifier
from shopkit.http_client import close_session

AUTH_STATE_KEY = "shopkit_auth"
"""The lifespan-state key the app's TokenVerifier is yielded under (next to the Wired graph)."""


@asynccontextmanager
async def open_verifier(settings: AuthSettings) -> AsyncIterator[TokenVerifier]:
    """A verifier for `settings` with its own small HTTP session for the issuer's keys.

    Nothing is fetched on start: a service starts while the issuer is down, and its keys
    are fetched on the first token.
    """
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4))
    try:
        yield TokenVerifier(settings, RemoteKeySet(session, settings))
    finally:
        await close_session(session)


def verifier_of(request: Request) -> TokenVerifier:
    """The verifier the running app's lifespan opened."""
    verifier = getattr(request.state, AUTH_STATE_KEY, None)
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError(
            f"no TokenVerifier under {AUTH_STATE_KEY!r} in the lifespan state: "
            "the app's lifespan must yield one (shopkit.auth.open_verifier)"
        )
    return verifier
