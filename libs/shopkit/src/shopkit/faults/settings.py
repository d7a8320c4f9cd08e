"""Where the fault flags come from: the same unprefixed FAULTS_* variables in every service."""

from pathlib import Path
from typing import Self

from openfeature.contrib.provider.flagd import FlagdProvider
from openfeature.contrib.provider.flagd.config import ResolverType
from openfeature.provider import FeatureProvider
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The file watcher re-reads the file this often: a flag switched on shows within a second.
FILE_POLL_MS = 500


class FaultSettings(BaseSettings):
    """``FAULTS_FLAG_FILE``: flagd flag definitions on disk (``make up``); or
    ``FAULTS_FLAGD_HOST``/``FAULTS_FLAGD_PORT``: a flagd server's sync stream (Kubernetes).
    With neither, there is no provider and every flag is off."""

    model_config = SettingsConfigDict(env_prefix="FAULTS_", extra="ignore", frozen=True)

    flag_file: Path | None = None
    flagd_host: str | None = None
    # flagd's in-process sync port: flags are evaluated here, not one RPC per request.
    flagd_port: int = Field(default=8015, ge=1, le=65535)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if self.flag_file is not None and self.flagd_host is not None:
            raise ValueError("set FAULTS_FLAG_FILE or FAULTS_FLAGD_HOST, not both")
        return self

    def provider(self) -> FeatureProvider | None:
        """The OpenFeature provider these settings name, not started; None without one."""
        if self.flag_file is not None:
            return FlagdProvider(
                resolver_type=ResolverType.IN_PROCESS,
                offline_flag_source_path=str(self.flag_file),
                deadline_ms=FILE_POLL_MS,
            )
        if self.flagd_host is not None:
            return FlagdProvider(
                resolver_type=ResolverType.IN_PROCESS,
                host=self.flagd_host,
                port=self.flagd_port,
            )
        return None
