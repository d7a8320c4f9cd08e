"""authlib's authorization server on the identity service's ledger, and the
AuthorizationProtocol port it implements."""

from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from authlib.oauth2 import AuthorizationServer, OAuth2Error  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749 import ResourceProtector  # type: ignore[import-untyped]
from joserfc.jwk import KeySet

from identity_service.adapters.keys import jwks_document, public_key_set, signing_key_set
from identity_service.adapters.oauth.bridge import on_loop
from identity_service.adapters.oauth.discovery import provider_metadata
from identity_service.adapters.oauth.grants import (
    AuthorizationCodeGrant,
    BoundedNonce,
    ClientCredentialsGrant,
    OpenIDConnect,
    RefreshTokenGrant,
    S256CodeChallenge,
)
from identity_service.adapters.oauth.models import OAuthClient, OAuthUser
from identity_service.adapters.oauth.requests import OAuthRequest, protocol_response
from identity_service.adapters.oauth.tokens import (
    AccessTokenRevocation,
    AccessTokens,
    AccessTokenValidator,
    BearerOfRequest,
    RefreshTokenRevocation,
    UserInfo,
)
from identity_service.domain import InvalidAuthorizationRequestError, SignedIn
from identity_service.ports import Clock, ProtocolRequest, ProtocolResponse, TokenLedger


@dataclass(frozen=True)
class ProtocolSettings:
    issuer: str
    audience: str
    access_token_lifetime_seconds: int
    scopes_supported: tuple[str, ...]


class IdentityAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """authorization_code (+ PKCE S256, OpenID Connect), refresh_token (rotating) and
    client_credentials; revocation; access tokens per RFC 9068."""

    def __init__(self, ledger: TokenLedger, settings: ProtocolSettings, clock: Clock) -> None:
        super().__init__(scopes_supported=list(settings.scopes_supported))
        self.ledger = ledger
        self._clock = clock
        lifetime = settings.access_token_lifetime_seconds
        self.register_token_generator(
            "default",
            AccessTokens(settings.issuer, settings.audience, lifetime, self.signing_keys),
        )
        self.register_grant(
            AuthorizationCodeGrant,
            [
                S256CodeChallenge(required=True),
                BoundedNonce(),
                OpenIDConnect(ledger, settings.issuer, lifetime),
            ],
        )
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_endpoint(AccessTokenRevocation(settings.issuer, self.public_keys))
        self.register_endpoint(RefreshTokenRevocation)
        self.protector = ResourceProtector()
        self.protector.register_token_validator(
            AccessTokenValidator(settings.issuer, settings.audience, self.public_keys)
        )

    def signing_keys(self) -> KeySet:
        return signing_key_set(on_loop(self.ledger.key_ring))

    def public_keys(self) -> KeySet:
        return public_key_set(on_loop(self.ledger.key_ring), self._clock())

    def query_client(self, client_id: str) -> OAuthClient | None:
        client = self.ledger.client(client_id)
        return OAuthClient(client) if client is not None else None

    def save_token(self, token: dict[str, Any], request: OAuthRequest) -> None:
        self.ledger.token_issued(request.payload.grant_type)
        refresh_token = token.get("refresh_token")
        if refresh_token is None:
            return
        # A refresh continues the family of the token it replaces; a code starts its own.
        grant = request.refresh_token or request.authorization_code
        on_loop(
            self.ledger.record_refresh_token,
            refresh_token,
            grant.record.family_id,
            request.client.client,
            request.user.get_user_id(),
            token["scope"],
        )

    def create_oauth2_request(self, request: ProtocolRequest | OAuthRequest) -> OAuthRequest:
        return request if isinstance(request, OAuthRequest) else OAuthRequest(request)

    def handle_response(
        self, status_code: int, payload: Any, headers: list[tuple[str, str]]
    ) -> ProtocolResponse:
        return protocol_response(status_code, payload, headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No one listens to authlib's signals: outcomes are counted where they happen."""


class AuthlibProtocol:
    """The AuthorizationProtocol port: each request handled in a worker thread."""

    def __init__(self, ledger: TokenLedger, settings: ProtocolSettings, clock: Clock) -> None:
        self._ledger = ledger
        self._clock = clock
        self._server = IdentityAuthorizationServer(ledger, settings, clock)
        self._metadata = provider_metadata(settings.issuer, settings.scopes_supported)

    async def authorize(
        self, request: ProtocolRequest, signed_in: SignedIn | None
    ) -> ProtocolResponse | None:
        return await anyio.to_thread.run_sync(self._authorize, request, signed_in)

    async def token(self, request: ProtocolRequest) -> ProtocolResponse:
        response: ProtocolResponse = await anyio.to_thread.run_sync(
            self._server.create_token_response, request
        )
        return response

    async def revoke(self, request: ProtocolRequest) -> ProtocolResponse:
        response: ProtocolResponse = await anyio.to_thread.run_sync(
            self._server.create_endpoint_response, "revocation", request
        )
        return response

    async def userinfo(self, request: ProtocolRequest) -> ProtocolResponse:
        return await anyio.to_thread.run_sync(self._userinfo, request)

    def metadata(self) -> dict[str, Any]:
        return self._metadata

    async def jwks(self) -> dict[str, Any]:
        return jwks_document(await self._ledger.key_ring(), self._clock())

    def _authorize(
        self, request: ProtocolRequest, signed_in: SignedIn | None
    ) -> ProtocolResponse | None:
        user = OAuthUser.signed_in(signed_in) if signed_in is not None else None
        oauth_request = self._server.create_oauth2_request(request)
        try:
            grant = self._server.get_consent_grant(oauth_request, end_user=user)
        except OAuth2Error as error:
            if error.redirect_uri:
                response: ProtocolResponse = self._server.handle_error_response(
                    oauth_request, error
                )
                return response
            # RFC 6749 section 4.1.2.1: never redirect to an unverified URI.
            raise InvalidAuthorizationRequestError(
                error.error, error.get_error_description() or error.error
            ) from error
        if user is None or grant.prompt == "login":
            return None
        authorized: ProtocolResponse = self._server.create_authorization_response(
            oauth_request, grant_user=user, grant=grant
        )
        return authorized

    def _userinfo(self, request: ProtocolRequest) -> ProtocolResponse:
        oauth_request = self._server.create_oauth2_request(request)
        bearer = BearerOfRequest(self._server.protector, oauth_request, self._ledger)
        endpoint = UserInfo(self._server, resource_protector=bearer)
        try:
            response: ProtocolResponse = self._server.handle_response(*endpoint(oauth_request))
        except OAuth2Error as error:
            response = self._server.handle_error_response(oauth_request, error)
        return response
