"""Order settings: the database password from a mounted file."""

from pathlib import Path

import pytest

from order_service.config import Settings


def test_the_database_password_comes_from_order_db_password_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = tmp_path / "password"
    password.write_text("from-the-secret\n")
    monkeypatch.setenv(
        "ORDER_DATABASE_URL", "mysql+asyncmy://order@mysql:3306/order?charset=utf8mb4"
    )
    monkeypatch.setenv("ORDER_DB_PASSWORD_FILE", str(password))

    settings = Settings()

    assert (
        settings.database_url
        == "mysql+asyncmy://order:from-the-secret@mysql:3306/order?charset=utf8mb4"
    )
    assert "from-the-secret" not in repr(settings)
