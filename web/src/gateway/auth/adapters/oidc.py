"""The gateway as an OpenID Connect client of the configured issuer (the embedded identity
service, Keycloak or Entra ID): discovery, the code grant with PKCE, refresh, revocation and
RP-initiated logout. PKCE and the ID token's checks are authlib's and joserfc's."""

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
import orjson
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry

from gateway.auth.domain import PendingSignIn, Tokens, User, same_secret
from gateway.auth.errors import (
    IdentityProviderUnavailableError,
    RefreshRefusedError,
    SignInFailedError,
)
from shopkit.auth import AuthSettings, TokenVerifier, basic_authorization
from shopkit.auth.fetch import FetchError, fetch_json
from shopkit.auth.keys import RemoteKeySet
from shopkit.auth.principal import principal_from_claims
from shopkit.auth.verify import InvalidTokenError

MAX_DOCUMENT_BYTES = 64 * 1024
# Refused grants: RFC 6749 section 5.2 answers them with 400 (401 for client auth).
REFUSED_STATUSES = frozenset({400, 401})


@dataclass(frozen=True)
class Endpoints:
    """The issuer's endpoints: the browser's at the issuer, the gateway's own at its back
    channel when one is configured."""

    authorization: str
    token: str
    revocation: str | None
    end_session: str | None
    jwks: str


class OidcClient:
    """One issuer and one client, with PKCE always: confidential with `client_secret`
    (``client_secret_basic``, as a backend-for-frontend should be), public without."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        auth: AuthSettings,
        *,
        client_id: str,
        client_secret: str | None,
        scopes: tuple[str, ...],
        backchannel_url: str | None,
        timeout_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._session = session
        self._auth = auth
        self._client_id = client_id
        self._client_secret = client_secret
        self._scopes = scopes
        self._backchannel_url = backchannel_url
        self._timeout = timeout_seconds
        self._clock = clock
        self._endpoints: Endpoints | None = None
        self._id_tokens: TokenVerifier | None = None
        self._discovering = asyncio.Lock()

    async def authorization_url(
        self, pending: PendingSignIn, redirect_uri: str, *, sign_up: bool
    ) -> str:
        endpoints = await self._discovered()
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self._scopes),
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": create_s256_code_challenge(pending.code_verifier),
            "code_challenge_method": "S256",
        }
        if sign_up:
            # OpenID Connect "Initiating User Registration": the issuer's sign-up form.
            query["prompt"] = "create"
        return _with_query(endpoints.authorization, query)

    async def redeem(self, code: str, pending: PendingSignIn, redirect_uri: str) -> Tokens:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": pending.code_verifier,
        }
        try:
            return await self._token_request(form)
        except RefreshRefusedError:
            raise SignInFailedError("The sign-in service refused the sign-in.") from None

    async def user_of(self, tokens: Tokens, nonce: str) -> User:
        if tokens.id_token is None:
            raise SignInFailedError("The sign-in service sent no ID token.")
        await self._discovered()
        assert self._id_tokens is not None
        try:
            claims = await self._id_tokens.verified_claims(tokens.id_token)
            # OpenID Connect Core 3.1.3.7: the nonce this sign-in sent, or a replayed token.
            JWTClaimsRegistry(nonce={"essential": True}).validate(claims)
        except (InvalidTokenError, JoseError):
            raise SignInFailedError("The ID token is not valid for this sign-in.") from None
        if not same_secret(claims.get("nonce"), nonce):
            raise SignInFailedError("The ID token is not valid for this sign-in.")
        try:
            principal = principal_from_claims(claims, self._auth.roles_claim)
        except ValueError:
            raise SignInFailedError("The ID token names no user.") from None
        email = claims.get("email")
        return User(
            subject=principal.subject,
            email=email if isinstance(email, str) else None,
            roles=tuple(sorted(principal.roles)),
        )

    async def refresh(self, refresh_token: str) -> Tokens:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return await self._token_request(form)

    async def revoke(self, refresh_token: str) -> None:
        endpoints = await self._discovered()
        if endpoints.revocation is None:
            return
        form = {"token": refresh_token, "token_type_hint": "refresh_token"}
        try:
            async with self._session.post(
                endpoints.revocation,
                data=self._authenticated(form),
                headers=self._authentication_headers(),
                timeout=self._client_timeout(),
            ) as response:
                await response.read()
        except (aiohttp.ClientError, TimeoutError):
            raise IdentityProviderUnavailableError() from None

    async def end_session_url(self, id_token: str | None, post_logout_redirect_uri: str) -> str:
        endpoints = await self._discovered()
        if endpoints.end_session is None:
            return post_logout_redirect_uri
        query = {"client_id": self._client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        if id_token is not None:
            query["id_token_hint"] = id_token
        return _with_query(endpoints.end_session, query)

    async def _token_request(self, form: Mapping[str, str]) -> Tokens:
        endpoints = await self._discovered()
        requested_at = self._clock()
        try:
            async with self._session.post(
                endpoints.token,
                data=self._authenticated(form),
                headers={"Accept": "application/json", **self._authentication_headers()},
                timeout=self._client_timeout(),
            ) as response:
                body = await response.content.read(MAX_DOCUMENT_BYTES + 1)
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            raise IdentityProviderUnavailableError() from None
        if status in REFUSED_STATUSES:
            raise RefreshRefusedError()
        if status != 200 or len(body) > MAX_DOCUMENT_BYTES:
            raise IdentityProviderUnavailableError()
        return _tokens(body, requested_at)

    def _authenticated(self, form: Mapping[str, str]) -> dict[str, str]:
        """A public client names itself in the form; a confidential one in its header."""
        if self._client_secret is None:
            return {**form, "client_id": self._client_id}
        return dict(form)

    def _authentication_headers(self) -> dict[str, str]:
        if self._client_secret is None:
            return {}
        return {"Authorization": basic_authorization(self._client_id, self._client_secret)}

    def _client_timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self._timeout)

    async def _discovered(self) -> Endpoints:
        if self._endpoints is not None:
            return self._endpoints
        async with self._discovering:
            if self._endpoints is None:
                self._endpoints = await self._discover()
                auth = self._auth.model_copy(
                    update={
                        "audience": self._client_id,
                        "jwks_url": self._auth.jwks_url or self._endpoints.jwks,
                    }
                )
                self._id_tokens = TokenVerifier(auth, RemoteKeySet(self._session, auth))
        return self._endpoints

    async def _discover(self) -> Endpoints:
        issuer = self._auth.issuer.rstrip("/")
        url = self._backchannel(issuer + "/.well-known/openid-configuration")
        try:
            document = await fetch_json(
                self._session,
                "GET",
                url,
                timeout_seconds=self._timeout,
                max_bytes=MAX_DOCUMENT_BYTES,
            )
        except FetchError:
            raise IdentityProviderUnavailableError() from None
        # OpenID Connect Discovery 1.0 section 4.3: the document must be the issuer's own.
        if not isinstance(document, dict) or document.get("issuer") != self._auth.issuer:
            raise IdentityProviderUnavailableError()
        try:
            return Endpoints(
                authorization=_url(document, "authorization_endpoint"),
                token=self._backchannel(_url(document, "token_endpoint")),
                revocation=self._optional_backchannel(document, "revocation_endpoint"),
                end_session=_optional_url(document, "end_session_endpoint"),
                jwks=self._backchannel(_url(document, "jwks_uri")),
            )
        except ValueError:
            raise IdentityProviderUnavailableError() from None

    def _optional_backchannel(self, document: Mapping[str, Any], name: str) -> str | None:
        url = _optional_url(document, name)
        return None if url is None else self._backchannel(url)

    def _backchannel(self, url: str) -> str:
        """`url` at the back channel, when it is the issuer's and one is configured."""
        if self._backchannel_url is None:
            return url
        issuer = urlsplit(self._auth.issuer)
        origin = f"{issuer.scheme}://{issuer.netloc}"
        if url == origin or url.startswith(origin + "/"):
            return self._backchannel_url + url[len(origin) :]
        return url


def _url(document: Mapping[str, Any], name: str) -> str:
    url = _optional_url(document, name)
    if url is None:
        raise ValueError(f"the discovery document names no {name}")
    return url


def _optional_url(document: Mapping[str, Any], name: str) -> str | None:
    url = document.get(name)
    if url is None:
        return None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ValueError(f"the discovery document's {name} is not a URL")
    return url


def _with_query(url: str, query: Mapping[str, str]) -> str:
    separator = "&" if urlsplit(url).query else "?"
    return url + separator + urlencode(query)


def _tokens(body: bytes, requested_at: float) -> Tokens:
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise IdentityProviderUnavailableError() from None
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        raise IdentityProviderUnavailableError()
    expires_in = answer.get("expires_in")
    # Without expires_in (it is only RECOMMENDED), a minute: refreshed early, never late.
    lifetime: float = 60
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
        lifetime = expires_in
    refresh_token = answer.get("refresh_token")
    id_token = answer.get("id_token")
    return Tokens(
        access_token=answer["access_token"],
        expires_at=requested_at + lifetime,
        refresh_token=refresh_token if isinstance(refresh_token, str) else None,
        id_token=id_token if isinstance(id_token, str) else None,
    )
