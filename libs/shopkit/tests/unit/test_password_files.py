"""A connection URL's password comes inline or from the file a ``*_FILE`` variable names,
never both, and never shows in the settings' repr."""

from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from shopkit.credentials import (
    CredentialConfigError,
    url_with_password,
    without_password,
)
from shopkit.settings import DatabaseServiceSettings

PASSWORD = "s3cret/with:odd@chars"


class DemoSettings(DatabaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    # As a Secret made from an env file with a trailing newline would be.
    path.write_text(PASSWORD + "\n")
    return path


def test_the_files_password_is_put_into_the_url_percent_encoded(
    monkeypatch: pytest.MonkeyPatch, password_file: Path
) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "mysql+asyncmy://inventory@mysql:3306/inventory")
    monkeypatch.setenv("DEMO_DB_PASSWORD_FILE", str(password_file))

    url = DemoSettings().database_url

    assert url == ("mysql+asyncmy://inventory:s3cret%2Fwith%3Aodd%40chars@mysql:3306/inventory")


def test_the_password_never_shows_in_the_settings_repr_or_str(
    monkeypatch: pytest.MonkeyPatch, password_file: Path
) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "mysql+asyncmy://inventory@mysql:3306/inventory")
    monkeypatch.setenv("DEMO_DB_PASSWORD_FILE", str(password_file))

    settings = DemoSettings()

    for shown in (repr(settings), str(settings)):
        assert "s3cret" not in shown
        assert "database_url" not in shown


def test_a_password_inline_and_a_file_both_is_refused(
    monkeypatch: pytest.MonkeyPatch, password_file: Path
) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "mysql+asyncmy://inventory:inline@mysql/inventory")
    monkeypatch.setenv("DEMO_DB_PASSWORD_FILE", str(password_file))

    with pytest.raises(ValidationError, match="exactly one") as caught:
        DemoSettings()

    assert "inline" not in str(caught.value)


def test_a_url_without_a_user_cannot_take_a_password_file(
    monkeypatch: pytest.MonkeyPatch, password_file: Path
) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "sqlite+aiosqlite:///.data/demo.db")
    monkeypatch.setenv("DEMO_DB_PASSWORD_FILE", str(password_file))

    with pytest.raises(ValidationError, match="DEMO_DATABASE_URL names no user"):
        DemoSettings()


def test_a_missing_password_file_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "mysql+asyncmy://inventory@mysql/inventory")
    monkeypatch.setenv("DEMO_DB_PASSWORD_FILE", str(tmp_path / "absent"))

    with pytest.raises(ValidationError, match="DEMO_DB_PASSWORD_FILE: cannot read"):
        DemoSettings()


def test_an_empty_password_file_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    monkeypatch.setenv("DEMO_DATABASE_URL", "mysql+asyncmy://inventory@mysql/inventory")
    monkeypatch.setenv("DEMO_DB_PASSWORD_FILE", str(empty))

    with pytest.raises(ValidationError, match=r"DEMO_DB_PASSWORD_FILE: .* is empty"):
        DemoSettings()


def test_without_a_file_the_url_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "mysql+asyncmy://root:pw@127.0.0.1/x")

    assert DemoSettings().database_url == "mysql+asyncmy://root:pw@127.0.0.1/x"


def test_a_redis_url_with_an_empty_user_takes_the_password() -> None:
    url = url_with_password("redis://@redis:6379/0", "pw", url_variable="X")

    assert url == "redis://:pw@redis:6379/0"


def test_a_mongodb_url_with_several_hosts_keeps_them_all() -> None:
    url = url_with_password(
        "mongodb://product@a:27017,b:27017/shop?replicaSet=rs0", "p w", url_variable="X"
    )

    assert url == "mongodb://product:p%20w@a:27017,b:27017/shop?replicaSet=rs0"


def test_a_url_for_messages_hides_its_password() -> None:
    assert without_password("redis://:pw@redis:6379/0") == "redis://:***@redis:6379/0"
    assert without_password("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_the_error_is_a_value_error_so_pydantic_reports_it() -> None:
    assert issubclass(CredentialConfigError, ValueError)
