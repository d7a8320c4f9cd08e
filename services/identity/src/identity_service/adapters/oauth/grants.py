"""The grants the token endpoint answers, and the OpenID Connect layer of the code grant."""

import time
from typing import TYPE_CHECKING, Any, ClassVar

from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from authlib.oidc.core import OpenIDCode  # type: ignore[import-untyped]
from joserfc.jwk import KeySet

from identity_service.adapters.keys import ALGORITHM, signing_key_set
from identity_service.adapters.oauth.bridge import on_loop
from identity_service.adapters.oauth.models import (
    OAuthClient,
    OAuthUser,
    StoredCode,
    StoredRefreshToken,
)
from identity_service.adapters.oauth.tokens import TOKEN_CLIENT_AUTH_METHODS
from identity_service.ports import CodeDetails, TokenLedger

if TYPE_CHECKING:
    from identity_service.adapters.oauth.server import IdentityAuthorizationServer


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    """For the storefront: PKCE always; its secret too when it is confidential.

    Each client authenticates only as its kind allows (OAuthClient): "none" is refused to
    a confidential client. The client is authenticated before the code is looked up, so a
    request that fails that leaves the code unredeemed.
    """

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = TOKEN_CLIENT_AUTH_METHODS
    server: "IdentityAuthorizationServer"

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        details = CodeDetails(
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )
        user: OAuthUser = request.user
        on_loop(
            self.server.ledger.record_authorization_code,
            code,
            request.client.client,
            user.as_signed_in(),
            details,
        )

    def query_authorization_code(self, code: str, client: OAuthClient) -> StoredCode | None:
        found = on_loop(self.server.ledger.redeem_authorization_code, code, client.client)
        return StoredCode(found) if found is not None else None

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        """Nothing to do: a code is marked redeemed the moment it is looked up."""

    def authenticate_user(self, authorization_code: StoredCode) -> OAuthUser | None:
        record = authorization_code.record
        user = on_loop(self.server.ledger.user, record.user_id)
        return OAuthUser(user, record.auth_time) if user is not None else None


class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    """Every refresh returns a new refresh token and retires the one presented."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = TOKEN_CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: "IdentityAuthorizationServer"

    def authenticate_refresh_token(self, refresh_token: str) -> StoredRefreshToken | None:
        client: OAuthClient = self.request.client
        found = on_loop(self.server.ledger.find_refresh_token, refresh_token, client.client)
        return StoredRefreshToken(found) if found is not None else None

    def authenticate_user(self, refresh_token: StoredRefreshToken) -> OAuthUser | None:
        user = on_loop(self.server.ledger.user, refresh_token.record.user_id)
        return OAuthUser(user) if user is not None else None

    def revoke_old_credential(self, refresh_token: StoredRefreshToken) -> None:
        if not on_loop(self.server.ledger.rotate_refresh_token, refresh_token.record):
            raise InvalidGrantError("The refresh token was used already.")


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    """For services and tools acting for themselves, with their secret."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE on every authorization request, with S256: ``plain`` would hand the verifier to
    whoever sees the request."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: grants.BaseGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send a 'code_challenge' (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class BoundedNonce:
    """A ``nonce`` is kept with its code until redeemed: longer ones are refused (at the
    client's redirect URI, as every error of a request with a trusted one)."""

    MAX_LENGTH = 255

    def __call__(self, grant: grants.BaseGrant) -> None:
        grant.register_hook("after_validate_authorization_request_payload", self.check)

    def check(self, grant: grants.BaseGrant, redirect_uri: str) -> None:
        if len(grant.request.payload.data.get("nonce") or "") > self.MAX_LENGTH:
            raise InvalidRequestError(f"'nonce' is longer than {self.MAX_LENGTH} characters.")


class OpenIDConnect(OpenIDCode):  # type: ignore[misc]
    """ID tokens for the code grant: signed like the access tokens, ``nonce`` included."""

    def __init__(self, ledger: TokenLedger, issuer: str, lifetime_seconds: int) -> None:
        super().__init__(require_nonce=False)
        self._ledger = ledger
        self._issuer = issuer
        self._lifetime_seconds = lifetime_seconds

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return on_loop(self._ledger.nonce_used, request.client.client, nonce)

    def resolve_client_private_key(self, client: OAuthClient) -> KeySet:
        return signing_key_set(on_loop(self._ledger.key_ring))

    def get_client_algorithm(self, client: OAuthClient) -> str:
        return ALGORITHM

    def get_encode_header(self, client: OAuthClient) -> dict[str, str]:
        # No kid here: joserfc names the key it picks from the one-key set.
        return {"alg": ALGORITHM}

    def get_client_claims(self, client: OAuthClient) -> dict[str, Any]:
        return {
            "iss": self._issuer,
            "aud": [client.get_client_id()],
            "exp": int(time.time()) + self._lifetime_seconds,
        }

    def generate_user_info(self, user: OAuthUser, scope: str) -> dict[str, Any]:
        return user.user_info(scope)
