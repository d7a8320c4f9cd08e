"""Every service reads its prefixed variables, and the unprefixed launch contract below them."""

import pytest
from pydantic_settings import SettingsConfigDict

from shopkit.settings import ServiceSettings


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")


def test_unprefixed_host_and_port_launch_a_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9090")

    settings = DemoSettings()

    assert (settings.host, settings.port) == ("0.0.0.0", 9090)


def test_the_prefixed_variable_wins_over_the_unprefixed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "9090")
    monkeypatch.setenv("DEMO_PORT", "9191")

    assert DemoSettings().port == 9191


def test_only_host_and_port_are_read_unprefixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUTDOWN_GRACE_SECONDS", "99")

    assert DemoSettings().shutdown_grace_seconds == 10.0
