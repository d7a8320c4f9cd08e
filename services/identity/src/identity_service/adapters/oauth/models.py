"""The identity domain as authlib's models see it: clients, users, codes, refresh tokens."""

from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin  # type: ignore[import-untyped]
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo  # type: ignore[import-untyped]

from identity_service.domain import (
    AuthorizationCode,
    Client,
    ClientKind,
    RefreshToken,
    SignedIn,
    User,
)

SECRET_AUTH_METHODS = frozenset({"client_secret_basic", "client_secret_post"})


class OAuthClient(ClientMixin):  # type: ignore[misc]
    def __init__(self, client: Client) -> None:
        self.client = client
        self.client_id = client.client_id
        # Read by authlib's userinfo endpoint (signed answers); none are registered.
        self.client_metadata: dict[str, Any] = {}

    def get_client_id(self) -> str:
        return self.client.client_id

    def get_default_redirect_uri(self) -> None:
        # Every authorization request names its redirect URI, matched exactly.
        return None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        return self.client.granted_scope(scope)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return self.client.allows_redirect_to(redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.client.secret_matches(client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.client.kind is ClientKind.PUBLIC:
            return method == "none"
        return method in SECRET_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.client.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.client.grant_types


class OAuthUser:
    """The resource owner: a user, and when they signed in (None after a refresh)."""

    def __init__(self, user: User, auth_time: datetime | None = None) -> None:
        self.user = user
        self.auth_time = auth_time

    @classmethod
    def signed_in(cls, who: SignedIn) -> "OAuthUser":
        return cls(who.user, who.auth_time)

    def get_user_id(self) -> str:
        return self.user.user_id

    def as_signed_in(self) -> SignedIn:
        if self.auth_time is None:
            raise ValueError("this user did not sign in during this request")
        return SignedIn(self.user, self.auth_time)

    def roles(self) -> list[str]:
        return sorted(self.user.roles)

    def user_info(self, scope: str) -> dict[str, Any]:
        """The OpenID Connect claims `scope` allows, and the user's roles."""
        claims = UserInfo(sub=self.user.user_id, email=self.user.email, email_verified=False)
        return {**claims.filter(scope), "roles": self.roles()}


class StoredCode(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, code: AuthorizationCode) -> None:
        self.record = code
        self.code_challenge = code.code_challenge
        self.code_challenge_method = code.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.record.redirect_uri

    def get_scope(self) -> str:
        return self.record.scope

    def get_nonce(self) -> str | None:
        return self.record.nonce

    def get_auth_time(self) -> int:
        return int(self.record.auth_time.timestamp())


class StoredRefreshToken(TokenMixin):  # type: ignore[misc]
    def __init__(self, token: RefreshToken) -> None:
        self.record = token

    def check_client(self, client: OAuthClient) -> bool:
        return self.record.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.record.scope
