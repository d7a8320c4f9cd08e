"""The settings every service has; each service subclasses with its own env prefix."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


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
