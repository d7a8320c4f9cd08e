"""Access tokens (RFC 9068 JWTs), their validation for /userinfo, and revocation (RFC 7009)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    OAuth2Error,
    OAuth2Request,
    ResourceProtector,
    UnsupportedTokenTypeError,
)
from authlib.oauth2.rfc6750 import InvalidTokenError  # type: ignore[import-untyped]
from authlib.oauth2.rfc7009 import RevocationEndpoint  # type: ignore[import-untyped]
from authlib.oauth2.rfc9068 import (  # type: ignore[import-untyped]
    JWTBearerTokenGenerator,
    JWTBearerTokenValidator,
    JWTRevocationEndpoint,
)
from authlib.oidc.core import UserInfoEndpoint  # type: ignore[import-untyped]
from joserfc.jwk import KeySet

from identity_service.adapters.keys import ALGORITHM
from identity_service.adapters.oauth.bridge import on_loop
from identity_service.adapters.oauth.models import OAuthClient, OAuthUser, StoredRefreshToken
from identity_service.ports import TokenLedger

if TYPE_CHECKING:
    from identity_service.adapters.oauth.server import IdentityAuthorizationServer

REFRESH_TOKEN_CHARACTERS = 48
TOKEN_CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
"""How clients authenticate at the token and revocation endpoints: confidential ones (the
services, a storefront with a secret) with their secret, a public storefront by its client
id alone (OAuthClient.check_endpoint_auth_method holds each to its kind)."""

USER_TOKEN = "user"
SERVICE_TOKEN = "app"
"""Values of the ``idtyp`` claim, as Microsoft Entra ID names it (shopkit.auth reads it)."""


class AccessTokens(JWTBearerTokenGenerator):  # type: ignore[misc]
    """Short-lived JWT access tokens for one audience, with the roles of their user (or of
    the service client, for its own tokens)."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        lifetime_seconds: int,
        signing_keys: Callable[[], KeySet],
    ) -> None:
        super().__init__(
            issuer,
            alg=ALGORITHM,
            refresh_token_generator=self._new_refresh_token,
            expires_generator=lambda client, grant_type: lifetime_seconds,
        )
        self._audience = audience
        self._signing_keys = signing_keys

    @staticmethod
    def _new_refresh_token(**_context: Any) -> str:
        return str(generate_token(REFRESH_TOKEN_CHARACTERS))

    def get_jwks(self) -> KeySet:
        return self._signing_keys()

    def get_audiences(self, client: OAuthClient, user: OAuthUser | None, scope: str) -> str:
        return self._audience

    def get_extra_claims(
        self, client: OAuthClient, grant_type: str, user: OAuthUser | None, scope: str
    ) -> dict[str, Any]:
        # A service's token has its client as subject (RFC 9068 section 2.2) and the roles
        # configured for that client (none by default).
        if user is None:
            return {"roles": sorted(client.client.roles), "idtyp": SERVICE_TOKEN}
        return {"roles": user.roles(), "idtyp": USER_TOKEN}


class AccessTokenValidator(JWTBearerTokenValidator):  # type: ignore[misc]
    """An access token of this issuer for the platform's audience, signed with a
    published key."""

    def __init__(self, issuer: str, audience: str, public_keys: Callable[[], KeySet]) -> None:
        super().__init__(issuer=issuer, resource_server=audience)
        self._public_keys = public_keys

    def get_jwks(self) -> KeySet:
        return self._public_keys()

    def authenticate_token(self, token_string: str) -> Any:
        claims = super().authenticate_token(token_string)
        # A service token's roles are an empty list, which joserfc counts as blank.
        claims.options["roles"] = {"essential": False, "allow_blank": True}
        return claims


class ValidatedAccessToken:
    """A validated access token as authlib's userinfo endpoint reads it."""

    def __init__(self, claims: dict[str, Any], ledger: TokenLedger) -> None:
        self._claims = claims
        self._ledger = ledger
        self.scope: str = claims.get("scope", "")

    def get_client(self) -> OAuthClient:
        client = self._ledger.client(self._claims["client_id"])
        if client is None:
            raise InvalidTokenError()
        return OAuthClient(client)

    def get_user(self) -> OAuthUser:
        user = on_loop(self._ledger.user, self._claims["sub"])
        if user is None:
            raise InvalidTokenError()
        return OAuthUser(user)


class BearerOfRequest:
    """The access token one request bears: what authlib's userinfo endpoint acquires."""

    def __init__(
        self, protector: ResourceProtector, request: OAuth2Request, ledger: TokenLedger
    ) -> None:
        self._protector = protector
        self._request = request
        self._ledger = ledger

    def acquire_token(self, scopes: str) -> ValidatedAccessToken:
        claims = self._protector.validate_request([scopes], self._request)
        return ValidatedAccessToken(claims, self._ledger)


class UserInfo(UserInfoEndpoint):  # type: ignore[misc]
    def generate_user_info(self, user: OAuthUser, scope: str) -> dict[str, Any]:
        return user.user_info(scope)


class AccessTokenRevocation(JWTRevocationEndpoint):  # type: ignore[misc]
    """A JWT access token is answered ``unsupported_token_type``: it cannot be revoked, and
    lives minutes. Anything else goes on to the refresh-token revocation."""

    CLIENT_AUTH_METHODS = TOKEN_CLIENT_AUTH_METHODS

    def __init__(self, issuer: str, public_keys: Callable[[], KeySet]) -> None:
        super().__init__(issuer=issuer)
        self._public_keys = public_keys

    def get_jwks(self) -> KeySet:
        return self._public_keys()

    def authenticate_token(self, request: OAuth2Request, client: OAuthClient) -> None:
        try:
            super().authenticate_token(request, client)
        except UnsupportedTokenTypeError as error:
            # authlib answers 401, as for a bearer token; RFC 7009 section 2.2.1 says 400.
            raise OAuth2Error(
                error=error.error,
                description="An access token cannot be revoked; it expires within minutes.",
                status_code=400,
            ) from error


class RefreshTokenRevocation(RevocationEndpoint):  # type: ignore[misc]
    """Revoking a refresh token revokes its whole family: every token the same sign-in led
    to (RFC 7009 section 2.1)."""

    CLIENT_AUTH_METHODS = TOKEN_CLIENT_AUTH_METHODS
    server: "IdentityAuthorizationServer"

    def query_token(
        self, token_string: str, token_type_hint: str | None
    ) -> StoredRefreshToken | None:
        found = on_loop(self.server.ledger.refresh_token, token_string)
        return StoredRefreshToken(found) if found is not None else None

    def revoke_token(self, token: StoredRefreshToken, request: OAuth2Request) -> None:
        on_loop(self.server.ledger.revoke_refresh_token, token.record)
