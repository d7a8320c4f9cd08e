"""The settings every service has; each service subclasses with its own env prefix."""

import os
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from shopkit.auth.settings import AuthSettings
from shopkit.credentials import apply_password_file

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

LAUNCH_VARIABLES = ("HOST", "PORT")
"""Read unprefixed too: one container launch contract (``HOST``/``PORT``) for every image."""


class _UnprefixedLaunchSource(PydanticBaseSettingsSource):
    """``HOST`` and ``PORT`` without the service's prefix, below the prefixed variables."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return os.environ.get(field_name.upper()), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {name.lower(): os.environ[name] for name in LAUNCH_VARIABLES if name in os.environ}


class ServiceSettings(BaseSettings):
    """Base settings. Subclasses set `env_prefix` (e.g. ``PRODUCT_``) so that one
    shell can run every service without their variables colliding."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # LOG_LEVEL and GIT_COMMIT are deliberately unprefixed: one value for the whole platform.
    log_level: LogLevel = Field(default="INFO", validation_alias="LOG_LEVEL")
    git_commit: str | None = Field(default=None, validation_alias="GIT_COMMIT")
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    # Share of root traces kept when OTEL_EXPORTER_OTLP_ENDPOINT switches tracing on.
    trace_sample_ratio: float = Field(
        default=1.0, ge=0, le=1, validation_alias="TRACE_SAMPLE_RATIO"
    )
    # Unprefixed AUTH_* variables: every service trusts the same issuer.
    auth: AuthSettings = Field(default_factory=AuthSettings)

    # Limits at the edge (shopkit.limits, shopkit.server), per service: an order of 100
    # lines is about 8 KiB, so these leave room for any legitimate request and refuse
    # the rest before it costs memory.
    max_body_bytes: int = Field(default=64 * 1024, ge=1)
    max_url_bytes: int = Field(default=8 * 1024, ge=256)
    max_query_params: int = Field(default=256, ge=1)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    max_header_count: int = Field(default=100, ge=8)
    # A body not fully received this long after its headers is refused 408.
    body_timeout_seconds: float = Field(default=10.0, gt=0)
    # An idle keep-alive connection is closed after this long; a request head not complete
    # within body_timeout_seconds is dropped as well.
    keep_alive_timeout_seconds: float = Field(default=5.0, gt=0)
    # Requests handled at once by one process; more are refused 503 at once (health probes
    # and scrapes never are) instead of queueing until every caller times out.
    max_in_flight: int = Field(default=256, ge=1)
    overload_retry_after_seconds: int = Field(default=1, ge=1)
    # Open connections one process keeps; past it a new one is closed as it opens (the
    # backstop against connection floods, above max_in_flight so the app's 503 comes first).
    max_connections: int = Field(default=2048, ge=1)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            _UnprefixedLaunchSource(settings_cls),
            dotenv_settings,
            file_secret_settings,
        )


class DatabaseServiceSettings(ServiceSettings):
    """A service with one database: ``<PREFIX>DATABASE_URL``, whose password is either in the
    URL or, the way Kubernetes mounts a Secret, in the file ``<PREFIX>DB_PASSWORD_FILE`` names.

    Subclasses give `database_url` their default as ``Field(default=…, repr=False)``: the URL
    holds the password once validated, and the settings' repr must not show it.
    """

    database_url: str = Field(default="sqlite+aiosqlite:///:memory:", repr=False)
    db_password_file: Path | None = None

    @model_validator(mode="after")
    def _database_password_from_file(self) -> Self:
        apply_password_file(self, "database_url", "db_password_file")
        return self
