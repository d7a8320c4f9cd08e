from pathlib import Path

import pytest

from product_service.config import Settings


def test_the_service_migrates_on_start_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().migrate_on_start is True

    monkeypatch.setenv("PRODUCT_MIGRATE_ON_START", "false")

    assert Settings().migrate_on_start is False


def test_the_launch_contract_reads_host_and_port_prefixed_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9000")
    assert (Settings().host, Settings().port) == ("0.0.0.0", 9000)

    monkeypatch.setenv("PRODUCT_PORT", "9001")

    assert Settings().port == 9001


def test_the_database_password_comes_from_product_db_password_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = tmp_path / "password"
    password.write_text("from-the-secret\n")
    monkeypatch.setenv(
        "PRODUCT_DATABASE_URL",
        "mongodb://product@mongodb:27017/shopstack_product?authSource=shopstack_product",
    )
    monkeypatch.setenv("PRODUCT_DB_PASSWORD_FILE", str(password))

    settings = Settings()

    assert (
        settings.database_url
        == "mongodb://product:from-the-secret@mongodb:27017/shopstack_product?authSource=shopstack_product"
    )
    assert "from-the-secret" not in repr(settings)
