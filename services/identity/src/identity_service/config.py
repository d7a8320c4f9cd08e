"""Identity service settings, read from ``IDENTITY_*`` environment variables."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from identity_service.domain import Role
from shopkit.settings import DatabaseServiceSettings

STOREFRONT_CLIENT_ID = "storefront"
STOREFRONT_SCOPES = ("openid", "profile", "email")


def setting_prefix(client_id: str) -> str:
    """The infix of a client's settings: ``IDENTITY_<PREFIX>_CLIENT_SECRET[_FILE]``."""
    return client_id.replace("-", "_")


@dataclass(frozen=True)
class ServiceClient:
    """A confidential client for a service or tool: client_credentials only, one scope.

    Its secret and the roles its tokens carry are configured as
    ``IDENTITY_<CLIENT>_CLIENT_SECRET[_FILE]`` and ``IDENTITY_<CLIENT>_CLIENT_ROLES``.
    """

    client_id: str
    scope: str

    @property
    def setting_prefix(self) -> str:
        return setting_prefix(self.client_id)


ORDER_SERVICE = ServiceClient("order-service", "inventory:reserve")
SMOKE = ServiceClient("smoke", "smoke:run")
SERVICE_CLIENTS = (ORDER_SERVICE, SMOKE)
CLIENTS_WITH_SECRET_SETTINGS = (STOREFRONT_CLIENT_ID, *(c.client_id for c in SERVICE_CLIENTS))
"""Every client whose secret may be configured; the storefront is public without one."""


class Settings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_")

    port: int = 8083
    # sqlite+aiosqlite://… (embedded default) or mysql+asyncmy://… (production).
    # Its password inline, or in the file IDENTITY_DB_PASSWORD_FILE names (a mounted Secret).
    database_url: str = Field(default="sqlite+aiosqlite:///.data/identity.db", repr=False)
    # Off when a separate step (`python -m identity_service migrate`) owns the schema.
    migrate_on_start: bool = True

    issuer: str = "http://127.0.0.1:8083"
    audience: str = Field(default="shopstack", min_length=1)
    access_token_lifetime_seconds: int = Field(default=300, ge=1, le=900)
    # How late verifiers may accept a token (shopkit.auth allows 30 s): a retired key keeps
    # verifying for the token lifetime plus this.
    verifier_leeway_seconds: int = Field(default=60, ge=0, le=600)
    refresh_token_lifetime_seconds: int = Field(default=14 * 24 * 3600, ge=60)
    authorization_code_lifetime_seconds: int = Field(default=60, ge=1, le=600)
    session_lifetime_seconds: int = Field(default=8 * 3600, ge=60)

    storefront_redirect_uris: Annotated[tuple[str, ...], NoDecode] = (
        "http://127.0.0.1:8000/auth/callback",
    )
    # Where /logout may send the browser back to once signed out (the gateway's home page).
    storefront_post_logout_redirect_uris: Annotated[tuple[str, ...], NoDecode] = (
        "http://127.0.0.1:8000/",
    )
    # With a secret (or its file) the storefront, a backend for frontend, is a confidential
    # client; without, a public one (PKCE only). A named file that does not exist is
    # created with a generated secret, as for the service clients below.
    storefront_client_secret: SecretStr | None = None
    storefront_client_secret_file: Path | None = None
    order_service_client_secret: SecretStr | None = None
    order_service_client_secret_file: Path | None = None
    smoke_client_secret: SecretStr | None = None
    smoke_client_secret_file: Path | None = None
    # The roles a client's own tokens carry, comma-separated. The order service needs none
    # (its scope is what reservations check); the smoke test sets the probe SKU's stock,
    # which only an admin may.
    order_service_client_roles: Annotated[tuple[Role, ...], NoDecode] = ()
    smoke_client_roles: Annotated[tuple[Role, ...], NoDecode] = (Role.ADMIN,)

    admin_email: str = "admin@shopstack.local"
    # Set (make up: .data/admin-password): the first start creates the admin, password here.
    admin_password_file: Path | None = None

    password_min_length: int = Field(default=12, ge=8, le=64)
    password_max_length: int = Field(default=128, ge=64, le=1024)
    sign_in_max_failures_per_account: int = Field(default=5, ge=1)
    sign_in_max_failures_per_address: int = Field(default=20, ge=1)
    sign_in_throttle_window_seconds: int = Field(default=900, ge=1)

    @field_validator("issuer")
    @classmethod
    def _issuer_without_trailing_slash(cls, issuer: str) -> str:
        parts = urlsplit(issuer)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError("the issuer is an http(s) URL without query or fragment")
        if parts.path.strip("/"):
            # The pages and redirects name their paths from the root.
            raise ValueError("the identity service is served at the root of its issuer URL")
        return issuer.rstrip("/")

    @field_validator(
        "storefront_redirect_uris",
        "storefront_post_logout_redirect_uris",
        "order_service_client_roles",
        "smoke_client_roles",
        mode="before",
    )
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(uri for uri in re.split(r"[\s,]+", value) if uri)
        return value

    @field_validator("storefront_redirect_uris", "storefront_post_logout_redirect_uris")
    @classmethod
    def _absolute_uris(cls, uris: tuple[str, ...]) -> tuple[str, ...]:
        for uri in uris:
            parts = urlsplit(uri)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
                raise ValueError(f"{uri!r} is not an absolute http(s) URI without fragment")
        return uris

    @model_validator(mode="after")
    def _one_secret_source_per_client(self) -> Self:
        for client_id in CLIENTS_WITH_SECRET_SETTINGS:
            secret, file = self.client_secret_source(client_id)
            if secret is not None and file is not None:
                name = setting_prefix(client_id).upper()
                raise ValueError(
                    f"set IDENTITY_{name}_CLIENT_SECRET or IDENTITY_{name}_CLIENT_SECRET_FILE, "
                    "not both"
                )
        return self

    def client_secret_source(self, client_id: str) -> tuple[SecretStr | None, Path | None]:
        """The configured secret of client `client_id`, or the file it is kept in."""
        prefix = setting_prefix(client_id)
        secret: SecretStr | None = getattr(self, f"{prefix}_client_secret")
        file: Path | None = getattr(self, f"{prefix}_client_secret_file")
        return secret, file

    def client_roles(self, client: ServiceClient) -> frozenset[Role]:
        """The roles the tokens `client` gets for itself carry."""
        roles: tuple[Role, ...] = getattr(self, f"{client.setting_prefix}_client_roles")
        return frozenset(roles)

    @property
    def scopes_supported(self) -> tuple[str, ...]:
        return (*STOREFRONT_SCOPES, *(client.scope for client in SERVICE_CLIENTS))
