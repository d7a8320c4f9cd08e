"""Gateway settings: the session store's password from a mounted file."""

from pathlib import Path

import pytest

from gateway.config import Settings


def test_the_redis_password_comes_from_gateway_session_store_password_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = tmp_path / "password"
    password.write_text("from-the-secret\n")
    monkeypatch.setenv("GATEWAY_SESSION_STORE_URL", "redis://@redis:6379/0")
    monkeypatch.setenv("GATEWAY_SESSION_STORE_PASSWORD_FILE", str(password))

    settings = Settings()

    assert settings.session_store_url == "redis://:from-the-secret@redis:6379/0"
    assert "from-the-secret" not in repr(settings)
