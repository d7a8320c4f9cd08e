"""The provider's metadata (OpenID Connect Discovery 1.0), checked by authlib once."""

from typing import Any

from authlib.oidc.discovery import OpenIDProviderMetadata  # type: ignore[import-untyped]

from identity_service.adapters.keys import ALGORITHM
from identity_service.adapters.oauth.tokens import TOKEN_CLIENT_AUTH_METHODS

CLAIMS = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "email",
    "email_verified",
    "roles",
]

PROMPT_VALUES = ["none", "login", "create"]
"""What /authorize does with them: ``none`` answers login_required unless signed in,
``login`` asks for the password again, ``create`` shows the sign-up page. ``consent`` and
``select_account`` are not shown (first-party clients, one account per browser)."""


class ProviderMetadata(OpenIDProviderMetadata):  # type: ignore[misc]
    """authlib's checks, but for RS256: OpenID Connect Core section 15.1 wants every
    provider able to sign ID tokens with it, for clients that register themselves. This
    provider's clients are declared, and verify ES256 (shopkit.auth, the storefront), so it
    keeps one key type and never publishes an algorithm it does not sign with."""

    def validate_id_token_signing_alg_values_supported(self) -> None:
        if self.get("id_token_signing_alg_values_supported") != [ALGORITHM]:
            raise ValueError(f"ID tokens are signed with {ALGORITHM} only")


def provider_metadata(issuer: str, scopes: tuple[str, ...]) -> dict[str, Any]:
    """The discovery document of the provider at `issuer`.

    ValueError when it would not be valid, e.g. an issuer on plain HTTP that is not on
    loopback: tokens issued there could be read on the way.
    """
    metadata = ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=f"{issuer}/authorize",
        token_endpoint=f"{issuer}/token",
        userinfo_endpoint=f"{issuer}/userinfo",
        jwks_uri=f"{issuer}/jwks",
        revocation_endpoint=f"{issuer}/revoke",
        # OpenID Connect RP-Initiated Logout 1.0.
        end_session_endpoint=f"{issuer}/logout",
        scopes_supported=list(scopes),
        response_types_supported=["code"],
        response_modes_supported=["query"],
        grant_types_supported=["authorization_code", "refresh_token", "client_credentials"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=[ALGORITHM],
        token_endpoint_auth_methods_supported=TOKEN_CLIENT_AUTH_METHODS,
        revocation_endpoint_auth_methods_supported=TOKEN_CLIENT_AUTH_METHODS,
        code_challenge_methods_supported=["S256"],
        claims_supported=CLAIMS,
        prompt_values_supported=PROMPT_VALUES,
    )
    metadata.validate()
    return dict(metadata)
