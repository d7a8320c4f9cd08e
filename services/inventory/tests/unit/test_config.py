"""Inventory settings: the database password from a mounted file."""

from pathlib import Path

import pytest

from inventory_service.config import Settings


def test_the_database_password_comes_from_inventory_db_password_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = tmp_path / "password"
    password.write_text("from-the-secret\n")
    monkeypatch.setenv(
        "INVENTORY_DATABASE_URL", "mysql+asyncmy://inventory@mysql:3306/inventory?charset=utf8mb4"
    )
    monkeypatch.setenv("INVENTORY_DB_PASSWORD_FILE", str(password))

    settings = Settings()

    assert (
        settings.database_url
        == "mysql+asyncmy://inventory:from-the-secret@mysql:3306/inventory?charset=utf8mb4"
    )
    assert "from-the-secret" not in repr(settings)
