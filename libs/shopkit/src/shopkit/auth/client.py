"""Client credentials (RFC 6749 section 4.4) for calls to other services.

The token is fetched once, shared by every call, and fetched again shortly before it
expires; concurrent callers wait for one fetch. Neither the secret nor the token is ever
logged or shown in a repr.
"""

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import aiohttp

from shopkit.auth.fetch import FetchError, fetch_json
from shopkit.http_client import ServiceUnavailableError

AuthMethod = Literal["client_secret_basic", "client_secret_post"]

DEFAULT_LIFETIME_SECONDS = 60.0
"""Assumed when the token endpoint gives no ``expires_in`` (it is only RECOMMENDED)."""
MAX_TOKEN_RESPONSE_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


class TokenUnavailableError(ServiceUnavailableError):
    """No access token could be had: the call it was for cannot be made now."""

    def __init__(self, reason: str) -> None:
        super().__init__("the token endpoint", reason)


def read_secret(value: str | None, file: str | os.PathLike[str] | None) -> str:
    """The secret given as `value` or in `file` (the ``*_FILE`` convention for mounted
    secrets); exactly one of them. A file's trailing newline is not part of the secret."""
    value = value or None
    if (value is None) == (file is None):
        raise ValueError("give the secret either as a value or as a file, exactly one of them")
    secret = value if value is not None else Path(file or "").read_text("utf-8").rstrip("\r\n")
    if not secret:
        raise ValueError("the secret is empty")
    return secret


def basic_authorization(client_id: str, client_secret: str) -> str:
    """The Authorization header of a confidential client at a token endpoint
    (``client_secret_basic``)."""
    # RFC 6749 section 2.3.1: both parts form-urlencoded before Basic encoding.
    return str(aiohttp.encode_basic_auth(quote(client_id, safe=""), quote(client_secret, safe="")))


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float
    expires_at: float


class ClientCredentials:
    """This service's own access token from `token_url`, for the Authorization header.

    Refetched `refresh_margin_seconds` before it expires (at most half its lifetime); if that
    fetch fails, the current token is used until it really expires.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: Iterable[str] = (),
        auth_method: AuthMethod = "client_secret_basic",
        refresh_margin_seconds: float = 30.0,
        timeout_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._scope = " ".join(scope)
        self._auth_method = auth_method
        self._margin = refresh_margin_seconds
        self._timeout = timeout_seconds
        self._session = session
        self._clock = clock
        self._current: _Token | None = None
        self._fetching: asyncio.Task[str] | None = None

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, token_url={self.token_url!r})"

    async def header(self) -> str:
        """The value of the Authorization header: ``Bearer <token>``."""
        return "Bearer " + await self.token()

    async def token(self) -> str:
        """A current access token; TokenUnavailableError when none can be had."""
        current = self._current
        if current is not None and self._clock() < current.refresh_at:
            return current.value
        if self._fetching is None or self._fetching.done():
            self._fetching = asyncio.create_task(self._refresh())
        # shield: a caller that gives up does not cancel the fetch the others wait for.
        return await asyncio.shield(self._fetching)

    async def _refresh(self) -> str:
        requested_at = self._clock()
        try:
            token = await self._fetch(requested_at)
        except TokenUnavailableError as exc:
            current = self._current
            if current is not None and self._clock() < current.expires_at:
                logger.warning(
                    "access token not refreshed; the current one is still valid",
                    extra={"client_id": self.client_id, "reason": exc.reason},
                )
                return current.value
            logger.warning(
                "access token not fetched",
                extra={"client_id": self.client_id, "reason": exc.reason},
            )
            raise
        self._current = token
        return token.value

    async def _fetch(self, requested_at: float) -> _Token:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        headers = {}
        if self._auth_method == "client_secret_post":
            form |= {"client_id": self.client_id, "client_secret": self._secret}
        else:
            headers["Authorization"] = basic_authorization(self.client_id, self._secret)
        try:
            answer = await fetch_json(
                self._session,
                "POST",
                self.token_url,
                timeout_seconds=self._timeout,
                max_bytes=MAX_TOKEN_RESPONSE_BYTES,
                headers=headers,
                data=form,
            )
        except FetchError as exc:
            raise TokenUnavailableError(str(exc)) from None
        return self._token_of(answer, requested_at)

    def _token_of(self, answer: object, requested_at: float) -> _Token:
        if not isinstance(answer, dict):
            raise TokenUnavailableError("the token endpoint answered no JSON object")
        value = answer.get("access_token")
        token_type = answer.get("token_type")
        if not isinstance(value, str) or not value:
            raise TokenUnavailableError("the token endpoint answered no access_token")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise TokenUnavailableError("the token endpoint answered no Bearer token")
        lifetime = answer.get("expires_in", DEFAULT_LIFETIME_SECONDS)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise TokenUnavailableError("the token endpoint answered an invalid expires_in")
        # From when it was asked for: the endpoint's clock started no later than that.
        return _Token(
            value=value,
            refresh_at=requested_at + lifetime - min(self._margin, lifetime / 2),
            expires_at=requested_at + lifetime,
        )
