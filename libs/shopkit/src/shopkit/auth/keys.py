"""The issuer's signing keys (its JWKS), fetched with aiohttp, parsed once and cached.

Bounded in every direction, so a token can neither make the service hammer the issuer nor
wait on it: at most one fetch per minimum interval (however many unknown ``kid`` values
arrive), a short timeout, a capped body and a capped number of keys.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from joserfc.errors import JoseError
from joserfc.jwk import Key, import_key

from shopkit.auth.fetch import FetchError, fetch_json
from shopkit.auth.settings import AuthSettings

MAX_KEYS = 32
MAX_JWKS_BYTES = 128 * 1024
MAX_DISCOVERY_BYTES = 64 * 1024
SIGNING_KEY_TYPES = frozenset({"EC", "RSA", "OKP"})
"""Never "oct": a symmetric key in a public set is a misconfiguration, not a signing key."""

logger = logging.getLogger(__name__)


class SigningKeysUnavailableError(Exception):
    """The issuer's keys could not be fetched, and none cached has the wanted ``kid``."""


class RemoteKeySet:
    """The signing keys published by the issuer `settings` names, by ``kid``."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        settings: AuthSettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._settings = settings
        self._clock = clock
        self._jwks_url = settings.jwks_url
        self._keys: dict[str, Key] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._attempts_done = 0
        self._failure: str | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> Key | None:
        """The key named `kid`, or None when the issuer does not publish it.

        An unknown `kid` or an expired cache fetches the set again, unless it was fetched
        less than the minimum interval ago. Raises SigningKeysUnavailableError when the
        issuer cannot be reached and no cached key has that `kid`.
        """
        key = self._keys.get(kid)
        if key is not None and self._fresh():
            return key
        await self._refresh_unless_recent()
        key = self._keys.get(kid)
        if key is None and self._failure is not None:
            raise SigningKeysUnavailableError(self._failure)
        return key

    def _fresh(self) -> bool:
        return (
            self._fetched_at is not None
            and self._clock() - self._fetched_at < self._settings.jwks_cache_seconds
        )

    async def _refresh_unless_recent(self) -> None:
        attempts_before = self._attempts_done
        async with self._lock:
            if self._attempts_done != attempts_before:
                return  # a fetch finished while this request waited: its outcome stands
            now = self._clock()
            if (
                self._attempted_at is not None
                and now - self._attempted_at < self._settings.jwks_min_refetch_seconds
            ):
                return
            self._attempted_at = now
            try:
                keys = await self._fetch()
            except FetchError as exc:
                # Cached keys stay in use: they are still the issuer's, as far as we know.
                self._failure = str(exc)
                logger.warning("signing keys not fetched", extra={"reason": self._failure})
            else:
                self._keys, self._fetched_at, self._failure = keys, now, None
            finally:
                self._attempts_done += 1

    async def _fetch(self) -> dict[str, Key]:
        url = self._jwks_url or await self._discover_jwks_url()
        document = await fetch_json(
            self._session,
            "GET",
            url,
            timeout_seconds=self._settings.jwks_timeout_seconds,
            max_bytes=MAX_JWKS_BYTES,
        )
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise FetchError(f"{url} answered something that is not a JWK set")
        return self._signing_keys(url, document["keys"])

    async def _discover_jwks_url(self) -> str:
        issuer = self._settings.issuer
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = await fetch_json(
            self._session,
            "GET",
            url,
            timeout_seconds=self._settings.jwks_timeout_seconds,
            max_bytes=MAX_DISCOVERY_BYTES,
        )
        if not isinstance(document, dict):
            raise FetchError(f"{url} answered something that is not a discovery document")
        # OpenID Connect Discovery 1.0 section 4.3: the document must name the same issuer.
        if document.get("issuer") != issuer:
            raise FetchError(f"{url} describes another issuer")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
            raise FetchError(f"{url} names no jwks_uri")
        self._jwks_url = jwks_uri
        return jwks_uri

    def _signing_keys(self, url: str, entries: list[Any]) -> dict[str, Key]:
        keys: dict[str, Key] = {}
        for entry in entries:
            if not isinstance(entry, dict) or not self._usable(entry):
                continue
            kid = entry["kid"]
            if kid in keys:
                continue
            if len(keys) == MAX_KEYS:
                logger.warning(
                    "signing key set truncated", extra={"jwks_url": url, "kept": MAX_KEYS}
                )
                break
            try:
                keys[kid] = import_key(entry)
            except (JoseError, ValueError, TypeError, KeyError):
                continue
        return keys

    def _usable(self, entry: Mapping[str, Any]) -> bool:
        return (
            entry.get("kty") in SIGNING_KEY_TYPES
            and isinstance(entry.get("kid"), str)
            and entry.get("use", "sig") == "sig"
            and entry.get("alg", self._settings.algorithms[0]) in self._settings.algorithms
            # A published private key is a leak, not a verification key.
            and "d" not in entry
        )
