"""A secret comes from a value or from a mounted file (the *_FILE convention)."""

import secrets
from pathlib import Path

import pytest

from shopkit.auth import read_secret


def test_a_secret_given_as_a_value_is_used_as_is() -> None:
    value = secrets.token_urlsafe(16)

    assert read_secret(value, None) == value


def test_a_secret_file_is_read_without_its_trailing_newline(tmp_path: Path) -> None:
    value = secrets.token_urlsafe(16)
    (tmp_path / "secret").write_text(value + "\n")

    assert read_secret(None, tmp_path / "secret") == value


def test_an_empty_value_defers_to_the_file(tmp_path: Path) -> None:
    value = secrets.token_urlsafe(16)
    (tmp_path / "secret").write_text(value)

    assert read_secret("", str(tmp_path / "secret")) == value


def test_both_or_neither_source_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text(secrets.token_urlsafe(16))

    with pytest.raises(ValueError, match="exactly one"):
        read_secret(secrets.token_urlsafe(16), tmp_path / "secret")
    with pytest.raises(ValueError, match="exactly one"):
        read_secret(None, None)


def test_an_empty_secret_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("\n")

    with pytest.raises(ValueError, match="empty"):
        read_secret(None, tmp_path / "secret")
