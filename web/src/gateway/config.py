"""Gateway settings, read from ``GATEWAY_*`` environment variables."""

from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from limits import parse
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from shopkit.actuator import ManagementPort
from shopkit.auth import read_secret
from shopkit.credentials import apply_password_file
from shopkit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    port: int = 8000
    # Metrics, info and the API documents: never on the public port (Spring Boot's
    # management.server.port). Loopback unless a scraper elsewhere must reach it.
    management_host: str = "127.0.0.1"
    management_port: int = Field(default=9000, ge=1, le=65535)
    # In Kubernetes these are the Services' names, e.g. http://product:8080.
    product_url: str = "http://127.0.0.1:8080"
    inventory_url: str = "http://127.0.0.1:8081"
    order_url: str = "http://127.0.0.1:8082"
    upstream_timeout_seconds: float = Field(default=5.0, gt=0)
    # Per client (see rate_limit.py), in the limits library's notation: writes through /api
    # and /auth/logout, and the sign-in steps. Generous: they stop floods, not shoppers.
    rate_limit_writes: str = "600/minute"
    rate_limit_sign_in: str = "120/minute"

    # The origin browsers use: the OAuth redirect URI, the Origin writes must come from, and
    # on https the __Host- cookies and HSTS.
    public_url: str = "http://127.0.0.1:8000"
    # The issuer itself is the platform's AUTH_ISSUER (shopkit.auth.AuthSettings).
    oidc_client_id: str = Field(default="storefront", min_length=1)
    # Set (make up: .data/secrets/storefront): a confidential client, as a backend-for-
    # frontend should be; unset, a public one (PKCE either way).
    oidc_client_secret: SecretStr | None = None
    oidc_client_secret_file: Path | None = None
    oidc_scopes: Annotated[tuple[str, ...], NoDecode] = ("openid", "profile", "email")
    # Where the gateway reaches the issuer when browsers use another address for it
    # (compose: http://identity:8083 behind http://localhost:8083).
    oidc_backchannel_url: str | None = None
    oidc_timeout_seconds: float = Field(default=5.0, gt=0)
    # SQLite keeps one gateway's sessions; replicas share them in Redis (redis://, rediss://).
    # Redis' password inline (redis://:pw@host/0), or in the file
    # GATEWAY_SESSION_STORE_PASSWORD_FILE names (a mounted Secret; then redis://@host/0).
    session_store_url: str = Field(
        default="sqlite+aiosqlite:///.data/gateway-sessions.db", repr=False
    )
    session_store_password_file: Path | None = None
    session_idle_seconds: int = Field(default=30 * 60, ge=60)
    session_absolute_seconds: int = Field(default=8 * 3600, ge=300)
    # How long before its expiry an access token is refreshed, so none expires in flight.
    session_refresh_margin_seconds: int = Field(default=30, ge=0, le=300)
    sign_in_timeout_seconds: int = Field(default=600, ge=30, le=3600)

    @field_validator("public_url", "oidc_backchannel_url")
    @classmethod
    def _origin_only(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("an absolute http(s) URL")
        if parts.path.strip("/") or parts.query or parts.fragment:
            raise ValueError("an origin only: no path, query or fragment")
        return url.rstrip("/")

    @field_validator("rate_limit_writes", "rate_limit_sign_in")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        try:
            allowed = parse(value).amount
        except ValueError:
            allowed = 0
        if allowed < 1:
            raise ValueError("a rate such as 600/minute or 10 per second")
        return value

    @field_validator("oidc_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: object) -> object:
        return tuple(value.replace(",", " ").split()) if isinstance(value, str) else value

    @field_validator("oidc_scopes")
    @classmethod
    def _openid_scope(cls, scopes: tuple[str, ...]) -> tuple[str, ...]:
        if "openid" not in scopes:
            raise ValueError("sign-in is OpenID Connect: the scopes include openid")
        return scopes

    @model_validator(mode="after")
    def _session_store_password_from_file(self) -> Self:
        apply_password_file(self, "session_store_url", "session_store_password_file")
        return self

    @model_validator(mode="after")
    def _one_client_secret_source(self) -> Self:
        if self.oidc_client_secret is not None and self.oidc_client_secret_file is not None:
            raise ValueError(
                "set GATEWAY_OIDC_CLIENT_SECRET or GATEWAY_OIDC_CLIENT_SECRET_FILE, not both"
            )
        return self

    def oidc_client_secret_value(self) -> str | None:
        """The client secret, read from its file if it is kept in one; None: public client."""
        if self.oidc_client_secret is None and self.oidc_client_secret_file is None:
            return None
        value = self.oidc_client_secret.get_secret_value() if self.oidc_client_secret else None
        return read_secret(value, self.oidc_client_secret_file)

    @property
    def served_over_https(self) -> bool:
        return self.public_url.startswith("https://")

    def upstreams(self) -> dict[str, str]:
        return {
            "product": self.product_url,
            "inventory": self.inventory_url,
            "order": self.order_url,
        }

    def management(self) -> ManagementPort:
        return ManagementPort(self.management_host, self.management_port)
