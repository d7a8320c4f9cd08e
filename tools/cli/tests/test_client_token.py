"""The smoke client's token, from the real identity service on loopback (embedded SQLite):
found by discovery, refused with a wrong secret, never quoting the secret."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from identity_service.config import Settings
from identity_service.main import create_app
from shopstack_cli.__main__ import main
from shopstack_cli.tokens import (
    SECRET_VARIABLE,
    ClientCredentials,
    TokenError,
    access_token,
    read_client_secret,
)
from testkit.live_server import serve_in_thread
from testkit.network import free_port


@dataclass(frozen=True)
class Identity:
    issuer: str
    smoke_secret: str


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Identity]:
    files = tmp_path_factory.mktemp("identity")
    port = free_port()
    settings = Settings(
        issuer=f"http://127.0.0.1:{port}",
        database_url=f"sqlite+aiosqlite:///{files}/identity.db",
        smoke_client_secret_file=files / "smoke",
    )
    with serve_in_thread(create_app(settings), port):
        yield Identity(settings.issuer, (files / "smoke").read_text().strip())


async def token_of(credentials: ClientCredentials) -> str:
    async with aiohttp.ClientSession() as session:
        return await access_token(session, credentials)


async def test_the_smoke_client_gets_a_token_from_the_discovered_token_endpoint(
    identity: Identity,
) -> None:
    token = await token_of(ClientCredentials(identity.issuer, "smoke", identity.smoke_secret))

    assert token.count(".") == 2  # a compact JWS


async def test_a_wrong_secret_is_refused_and_the_message_names_no_secret(
    identity: Identity,
) -> None:
    wrong = "w" * 43

    with pytest.raises(TokenError) as refused:
        await token_of(ClientCredentials(identity.issuer, "smoke", wrong))

    assert "401" in str(refused.value)
    assert "invalid_client" in str(refused.value)
    assert wrong not in str(refused.value)
    assert wrong not in repr(ClientCredentials(identity.issuer, "smoke", wrong))


async def test_a_discovery_document_of_another_issuer_is_refused(identity: Identity) -> None:
    elsewhere = identity.issuer.replace("127.0.0.1", "localhost")

    with pytest.raises(TokenError, match="is not the discovery document of"):
        await token_of(ClientCredentials(elsewhere, "smoke", identity.smoke_secret))


async def test_an_issuer_that_does_not_answer_is_named() -> None:
    issuer = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(TokenError, match="the discovery document"):
        await token_of(ClientCredentials(issuer, "smoke", "s" * 43))


def test_the_secret_comes_from_the_environment_or_a_file_without_its_newline(
    tmp_path: Path,
) -> None:
    file = tmp_path / "smoke"
    file.write_text("from-the-file\n")

    assert read_client_secret(None, {SECRET_VARIABLE: "from-the-environment"}) == (
        "from-the-environment"
    )
    assert read_client_secret(file, {}) == "from-the-file"
    assert read_client_secret(None, {}) is None


@pytest.mark.parametrize(
    ("content", "environment", "reason"),
    [
        ("s" * 43, {SECRET_VARIABLE: "s" * 43}, "not both"),
        ("\n", {}, "is empty"),
        (None, {}, "cannot be read"),
    ],
)
def test_an_ambiguous_empty_or_missing_secret_is_refused(
    tmp_path: Path, content: str | None, environment: dict[str, str], reason: str
) -> None:
    file = tmp_path / "smoke"
    if content is not None:
        file.write_text(content)

    with pytest.raises(TokenError, match=reason):
        read_client_secret(file, environment)


def test_the_command_refuses_two_sources_of_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "smoke"
    file.write_text("s" * 43)
    monkeypatch.setenv(SECRET_VARIABLE, "t" * 43)

    with pytest.raises(SystemExit) as exited:
        main(["smoke", "--base-url", "http://127.0.0.1:9", "--client-secret-file", str(file)])

    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "not both" in error
    assert "s" * 43 not in error
    assert "t" * 43 not in error
