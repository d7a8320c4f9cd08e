"""A token issuer for tests: its own keys, served on loopback, minting access tokens.

It publishes an OpenID discovery document and a JWKS under real uvicorn, answers
client-credentials requests at ``/token``, rotates and retires keys, and makes the tokens an
attacker would try (``alg: none``, HMAC with the public key, foreign keys, wrong claims).
"""

import base64
import hashlib
import hmac
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, Key, OKPKey
from joserfc.util import json_b64encode, urlsafe_b64encode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from testkit.live_server import serve_in_thread
from testkit.network import free_port

DEFAULT_AUDIENCE = "shopstack"
USER_CLIENT_ID = "shopstack-web"
"""The client a user signed in through, in minted user tokens."""


@dataclass(frozen=True)
class _Client:
    secret: str
    scopes: frozenset[str]
    token_lifetime: int


def _new_es256_key() -> ECKey:
    return ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, auto_kid=True)


def _algorithm_of(key: Key) -> str:
    return {"EC": "ES256", "OKP": "EdDSA", "RSA": "RS256"}[key.key_type]


class TestIssuer:
    """An OAuth 2.0 issuer on ``http://127.0.0.1:<port>`` (its `url`, also its ``iss``).

    Signs with an ES256 key (`signing_kid`) and also publishes an Ed25519 one
    (`ed25519_kid`). Use `serving()` (or the `token_issuer` fixtures) to run it.
    """

    __test__ = False  # a helper, not a pytest test class

    def __init__(self, *, audience: str = DEFAULT_AUDIENCE) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.jwks_url = f"{self.url}/jwks"
        self.token_url = f"{self.url}/token"
        self.audience = audience
        self._lock = threading.Lock()
        signing, ed25519 = _new_es256_key(), OKPKey.generate_key("Ed25519", auto_kid=True)
        self._keys: dict[str, Key] = {str(signing.kid): signing, str(ed25519.kid): ed25519}
        self.signing_kid = str(signing.kid)
        self.ed25519_kid = str(ed25519.kid)
        self._clients: dict[str, _Client] = {}
        self.jwks_fetches = 0
        self.token_requests = 0

    @contextmanager
    def serving(self) -> Iterator["TestIssuer"]:
        """Serve discovery, JWKS and the token endpoint under real uvicorn until exit."""
        app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks", self._jwks),
                Route("/token", self._token, methods=["POST"]),
            ]
        )
        with serve_in_thread(app, self.port):
            yield self

    async def _discovery(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": self.url,
                "jwks_uri": self.jwks_url,
                "token_endpoint": self.token_url,
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            }
        )

    async def _jwks(self, request: Request) -> JSONResponse:
        with self._lock:
            self.jwks_fetches += 1
            keys = [key.as_dict(private=False) for key in self._keys.values()]
        return JSONResponse({"keys": keys})

    async def _token(self, request: Request) -> JSONResponse:
        with self._lock:
            self.token_requests += 1
        form = {
            name: values[0] for name, values in parse_qs((await request.body()).decode()).items()
        }
        client_id, secret = self._client_credentials(request, form)
        client = self._clients.get(client_id)
        if client is None or not hmac.compare_digest(client.secret.encode(), secret.encode()):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        scopes = frozenset(form.get("scope", " ".join(client.scopes)).split())
        if not scopes <= client.scopes:
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        token = self.mint_service(
            client_id, scopes=sorted(scopes), expires_in=client.token_lifetime
        )
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "expires_in": client.token_lifetime}
        )

    @staticmethod
    def _client_credentials(request: Request, form: Mapping[str, str]) -> tuple[str, str]:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
            except ValueError:
                return "", ""
            return unquote(client_id), unquote(secret)
        return form.get("client_id", ""), form.get("client_secret", "")

    def register_client(
        self, client_id: str, *, scopes: Sequence[str] = (), token_lifetime: int = 300
    ) -> str:
        """Register a client for client credentials; returns its generated secret."""
        secret = secrets.token_urlsafe(32)
        self._clients[client_id] = _Client(secret, frozenset(scopes), token_lifetime)
        return secret

    def rotate(self) -> str:
        """Sign with a new ES256 key from now on; the old one stays published. Returns the
        new key's ``kid``."""
        key = _new_es256_key()
        with self._lock:
            self._keys[str(key.kid)] = key
            self.signing_kid = str(key.kid)
        return self.signing_kid

    def retire(self, kid: str) -> None:
        """Stop publishing the key `kid` (tokens it signed no longer verify)."""
        if kid == self.signing_kid:
            raise ValueError("rotate() to a new signing key before retiring the current one")
        with self._lock:
            del self._keys[kid]

    def mint(
        self,
        subject: str,
        *,
        roles: Sequence[str] = (),
        scopes: Sequence[str] = (),
        client_id: str | None = USER_CLIENT_ID,
        audience: str | list[str] | None = None,
        issuer: str | None = None,
        expires_in: float | None = 300,
        not_before: float | None = None,
        key: str | Key | None = None,
        algorithm: str | None = None,
        typ: str | None = "at+jwt",
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed access token for `subject` (RFC 9068 shape by default).

        `expires_in` and `not_before` are seconds from now (None leaves the claim out);
        `key` is the ``kid`` of one of this issuer's keys or a key of your own; `claims`
        adds or overrides claims.
        """
        signing_key = self._keys[key or self.signing_kid] if not isinstance(key, Key) else key
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": issuer or self.url,
            "sub": subject,
            "aud": audience or self.audience,
            "iat": now,
            "jti": secrets.token_hex(8),
        }
        if expires_in is not None:
            body["exp"] = now + int(expires_in)
        if not_before is not None:
            body["nbf"] = now + int(not_before)
        if client_id is not None:
            body["client_id"] = client_id
        if roles:
            body["roles"] = list(roles)
        if scopes:
            body["scope"] = " ".join(scopes)
        body.update(claims or {})
        header: dict[str, Any] = {"alg": algorithm or _algorithm_of(signing_key)}
        if signing_key.kid is not None:
            header["kid"] = signing_key.kid
        if typ is not None:
            header["typ"] = typ
        if header["alg"] != "EdDSA":
            return jwt.encode(header, body, signing_key, [header["alg"]], default_type=None)
        with warnings.catch_warnings():
            # joserfc warns that the "EdDSA" name is deprecated (RFC 9864); issuers still use it.
            warnings.simplefilter("ignore", SecurityWarning)
            return jwt.encode(header, body, signing_key, ["EdDSA"], default_type=None)

    def mint_service(self, client_id: str, *, scopes: Sequence[str] = (), **options: Any) -> str:
        """A client-credentials token: the client acts for itself (``sub == client_id``)."""
        return self.mint(client_id, client_id=client_id, scopes=scopes, **options)

    def unsigned_token(self, subject: str = "mallory", **options: Any) -> str:
        """The token `mint` would make, re-sent with ``alg: none`` and no signature."""
        _, payload, _ = self.mint(subject, **options).split(".")
        header = json_b64encode({"alg": "none", "typ": "at+jwt"}).decode()
        return f"{header}.{payload}."

    def hmac_token_with_public_key(self, subject: str = "mallory", **options: Any) -> str:
        """HS256 "signed" with the PEM of the issuer's public key, naming its ``kid``: the
        algorithm-confusion attack."""
        _, payload, _ = self.mint(subject, **options).split(".")
        header = json_b64encode({"alg": "HS256", "kid": self.signing_kid, "typ": "at+jwt"})
        signing_input = header + b"." + payload.encode()
        signing_key = self._keys[self.signing_kid]
        assert isinstance(signing_key, ECKey)
        public_pem = signing_key.as_pem(private=False)
        signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
        return (signing_input + b"." + urlsafe_b64encode(signature)).decode()

    def token_from_unknown_key(self, subject: str = "mallory", **options: Any) -> str:
        """Signed by a key this issuer never published (its ``kid`` is unknown too)."""
        return self.mint(subject, key=_new_es256_key(), **options)

    def token_forged_for_known_kid(self, subject: str = "mallory", **options: Any) -> str:
        """Signed by a foreign key that claims the ``kid`` of the issuer's signing key."""
        impostor = ECKey.generate_key("P-256", parameters={"kid": self.signing_kid})
        return self.mint(subject, key=impostor, **options)

    def expired_token(self, subject: str = "alice", **options: Any) -> str:
        """Expired ten minutes ago: beyond any sensible leeway."""
        return self.mint(subject, expires_in=-600, **options)

    def not_yet_valid_token(self, subject: str = "alice", **options: Any) -> str:
        """Valid only from ten minutes from now (``nbf``)."""
        return self.mint(subject, not_before=600, **options)

    def wrong_audience_token(self, subject: str = "alice", **options: Any) -> str:
        """Meant for another resource server."""
        return self.mint(subject, audience="another-api", **options)

    def wrong_issuer_token(self, subject: str = "alice", **options: Any) -> str:
        """Signed by this issuer's key, but claiming another issuer."""
        return self.mint(subject, issuer="https://issuer.invalid", **options)


@pytest.fixture(scope="session")
def token_issuer() -> Iterator[TestIssuer]:
    """One served TestIssuer for the whole session. Do not rotate its keys: use
    `token_issuer_factory` for an issuer of your own."""
    issuer = TestIssuer()
    with issuer.serving():
        yield issuer


@pytest.fixture
def token_issuer_factory() -> Iterator[Callable[[], TestIssuer]]:
    """Makes served, independent TestIssuers (own port, own keys), stopped after the test."""
    with ExitStack() as stack:

        def make_issuer() -> TestIssuer:
            return stack.enter_context(TestIssuer().serving())

        yield make_issuer
