"""Which tokens the platform accepts: one issuer, one audience, asymmetric algorithms only."""

import re
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ASYMMETRIC_ALGORITHMS = frozenset(
    {
        "ES256",
        "ES384",
        "ES512",
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "EdDSA",
        "Ed25519",
    }
)
"""The signing algorithms a verifier can be configured with: public-key signatures only."""

DEFAULT_ALGORITHMS = ("ES256", "EdDSA", "RS256")


class AuthSettings(BaseSettings):
    """Read from unprefixed ``AUTH_*`` variables: one value for the whole platform.

    Issuer, audience and JWKS URL are configuration, so the same services accept tokens from
    the embedded identity service, Keycloak or Microsoft Entra ID with no code change.
    """

    model_config = SettingsConfigDict(env_prefix="AUTH_", extra="ignore", frozen=True)

    issuer: str = Field(default="http://127.0.0.1:8083", min_length=1)
    audience: str = Field(default="shopstack", min_length=1)
    # None: discovered from the issuer's /.well-known/openid-configuration (jwks_uri).
    jwks_url: str | None = None
    algorithms: Annotated[tuple[str, ...], NoDecode] = DEFAULT_ALGORITHMS
    leeway_seconds: int = Field(default=30, ge=0, le=300)
    # A dotted path into the claims: "roles" (identity service, Entra), "realm_access.roles"
    # (Keycloak).
    roles_claim: str = Field(default="roles", pattern=r"^[^.\s]+(\.[^.\s]+)*$")
    jwks_cache_seconds: float = Field(default=300.0, gt=0)
    jwks_min_refetch_seconds: float = Field(default=10.0, ge=0)
    jwks_timeout_seconds: float = Field(default=2.0, gt=0, le=30)

    @field_validator("algorithms", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        # AUTH_ALGORITHMS=ES256,RS256 as well as a list given in code.
        if isinstance(value, str):
            return tuple(name for name in re.split(r"[\s,]+", value) if name)
        return value

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one signing algorithm must be accepted")
        refused = [name for name in value if name not in ASYMMETRIC_ALGORITHMS]
        if refused:
            # "none" and HMAC would let anyone holding the (public) key material mint tokens.
            accepted = ", ".join(sorted(ASYMMETRIC_ALGORITHMS))
            raise ValueError(f"refused: {', '.join(refused)}; accepted are {accepted}")
        return value
