"""The local admin: made on first start with a generated password in an owner-only file,
or by `create-admin`, which prints the password once; never a password in a log line."""

import json
import logging
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import requests

from identity_service.config import Settings
from shopkit.logging import JsonFormatter

FillIn = Callable[..., requests.Response]
StartIdentity = Callable[..., AbstractContextManager[Settings]]


def sign_in(identity: Settings, fill_in: FillIn, email: str, password: str) -> requests.Response:
    with requests.Session() as browser:
        page = browser.get(f"{identity.issuer}/sign-in")
        signed_in = fill_in(browser, page, "/sign-in", email=email, password=password)
        if signed_in.status_code == 303:
            return browser.get(f"{identity.issuer}/signed-in")
        return signed_in


def log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every captured record as the JSON line the service would write."""
    formatter = JsonFormatter("identity")
    return [formatter.format(record) for record in caplog.records]


def test_the_first_start_creates_the_admin_with_its_password_in_an_owner_only_file(
    start_identity: StartIdentity,
    fresh_database_url: str,
    fill_in: FillIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with start_identity(database_url=fresh_database_url) as identity:
        password_file = identity.admin_password_file
        assert isinstance(password_file, Path)
        password = password_file.read_text().strip()
        page = sign_in(identity, fill_in, "admin@shopstack.local", password)

    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert len(password) >= 32
    assert "signed in as admin@shopstack.local" in page.text
    lines = log_lines(caplog)
    created = [line for line in lines if "local admin created" in line]
    assert len(created) == 1
    assert json.loads(created[0])["password_file"] == str(password_file)
    assert not [line for line in lines if password in line]


def test_a_later_start_leaves_the_admin_and_its_file_alone(
    start_identity: StartIdentity, fresh_database_url: str, fill_in: FillIn
) -> None:
    with start_identity(database_url=fresh_database_url) as identity:
        password_file = identity.admin_password_file
        assert isinstance(password_file, Path)
        first = password_file.read_text()

    with start_identity(database_url=fresh_database_url) as identity:
        assert password_file.read_text() == first
        page = sign_in(identity, fill_in, "admin@shopstack.local", first.strip())

    assert "signed in as admin@shopstack.local" in page.text


def create_admin(database_url: str, email: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "identity_service", "create-admin", "--email", email],
        env={**os.environ, "IDENTITY_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_create_admin_prints_the_generated_password_once_and_it_signs_in(
    start_identity: StartIdentity, fresh_database_url: str, fill_in: FillIn
) -> None:
    created = create_admin(fresh_database_url, "ops@example.com")

    assert created.returncode == 0, created.stderr
    match = re.search(r"password: (\S+)", created.stdout)
    assert match is not None
    password = match.group(1)
    assert created.stdout.count(password) == 1
    log_records = [line for line in created.stdout.splitlines() if line.startswith("{")]
    assert not [line for line in log_records if password in line]
    with start_identity(database_url=fresh_database_url) as identity:
        page = sign_in(identity, fill_in, "ops@example.com", password)
    assert "signed in as ops@example.com" in page.text


def test_create_admin_refuses_an_email_that_has_an_account(fresh_database_url: str) -> None:
    assert create_admin(fresh_database_url, "twice@example.com").returncode == 0

    again = create_admin(fresh_database_url, "twice@example.com")

    assert again.returncode == 1
    assert "no admin created" in again.stderr
    assert "password" not in again.stdout
