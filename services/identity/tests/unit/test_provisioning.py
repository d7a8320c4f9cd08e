"""The local admin and the clients' secrets, provisioned on first start."""

import logging
from typing import Any

import pytest

from identity_service.domain import ClientKind, EmailTakenError, Role, User, digest
from identity_service.ports import SecretFile
from identity_service.service import accounts, clients
from identity_service.service.clients import WeakClientSecretError


class MemorySecretFile:
    def __init__(self, content: str | None = None) -> None:
        self.content = content
        self.writes = 0

    @property
    def location(self) -> str:
        return "/run/secrets/in-memory"

    def read(self) -> str | None:
        return self.content

    def write(self, secret: str) -> None:
        self.content = secret
        self.writes += 1


def as_port(file: MemorySecretFile) -> SecretFile:
    return file


async def test_the_first_start_creates_the_admin_with_a_generated_password_in_the_file(
    users: Any, passwords: Any, clock: Any
) -> None:
    file = MemorySecretFile()

    created = await accounts.ensure_local_admin(
        users, passwords, as_port(file), "Admin@Shopstack.local", clock
    )

    admin = await users.by_email("admin@shopstack.local")
    assert created
    assert admin is not None
    assert admin.roles == {Role.ADMIN}
    assert file.content is not None
    assert len(file.content) >= 32
    assert admin.password_hash == f"hashed:{file.content}"


async def test_a_later_start_keeps_the_admin_and_its_file(
    users: Any, passwords: Any, clock: Any
) -> None:
    file = MemorySecretFile()
    await accounts.ensure_local_admin(
        users, passwords, as_port(file), "admin@shopstack.local", clock
    )

    created = await accounts.ensure_local_admin(
        users, passwords, as_port(file), "admin@shopstack.local", clock
    )

    assert not created
    assert file.writes == 1


async def test_no_admin_is_made_of_a_customer_account_with_the_admin_email(
    users: Any, passwords: Any, clock: Any
) -> None:
    await users.add(User.register("u-1", "admin@shopstack.local", "hashed:mine", clock()))
    file = MemorySecretFile()

    created = await accounts.ensure_local_admin(
        users, passwords, as_port(file), "admin@shopstack.local", clock
    )

    assert not created
    assert file.content is None


async def test_create_admin_returns_a_generated_password_once(
    users: Any, passwords: Any, clock: Any
) -> None:
    first = await accounts.create_admin(users, passwords, "ops@example.com", clock)
    second = await accounts.create_admin(users, passwords, "ops2@example.com", clock)

    assert first != second
    assert (await users.by_email("ops@example.com")).password_hash == f"hashed:{first}"
    with pytest.raises(EmailTakenError):
        await accounts.create_admin(users, passwords, "ops@example.com", clock)


def test_a_missing_secret_file_gets_a_generated_secret_and_the_client_its_digest() -> None:
    file = MemorySecretFile()

    client = clients.service_client("order-service", "inventory:reserve", None, as_port(file))

    assert client is not None
    assert file.content is not None
    assert len(file.content) >= 32
    assert client.secret_digest == digest(file.content)
    assert client.grant_types == {"client_credentials"}
    assert client.scopes == {"inventory:reserve"}


def test_an_existing_secret_file_is_read_not_replaced() -> None:
    file = MemorySecretFile("s" * 40)

    client = clients.service_client("smoke", "smoke:run", None, as_port(file))

    assert client is not None
    assert client.secret_matches("s" * 40)
    assert file.writes == 0


def test_a_service_client_has_no_role_unless_given_one() -> None:
    plain = clients.service_client("order-service", "inventory:reserve", "o" * 40, None)
    admin = clients.service_client("smoke", "smoke:run", "s" * 40, None, frozenset({Role.ADMIN}))

    assert plain is not None
    assert plain.roles == frozenset()
    assert admin is not None
    assert admin.roles == {Role.ADMIN}


def test_a_client_without_any_secret_is_not_declared() -> None:
    assert clients.service_client("smoke", "smoke:run", None, None) is None


def test_a_short_configured_secret_is_refused() -> None:
    with pytest.raises(WeakClientSecretError):
        clients.service_client("smoke", "smoke:run", "short", None)


def test_the_storefront_is_public_with_exact_redirect_uris() -> None:
    client = clients.storefront("storefront", ("http://127.0.0.1:8000/auth/callback",), ("openid",))

    assert client.kind is ClientKind.PUBLIC
    assert client.secret_digest is None
    assert client.allows_redirect_to("http://127.0.0.1:8000/auth/callback")
    assert client.grant_types == {"authorization_code", "refresh_token"}


CALLBACK = "https://shop.example/auth/callback"
HOME = "https://shop.example/"


def test_the_storefront_with_a_secret_is_confidential_with_the_same_grants_and_uris() -> None:
    client = clients.storefront("storefront", (CALLBACK,), ("openid", "email"), (HOME,), "f" * 40)

    assert client.kind is ClientKind.CONFIDENTIAL
    assert client.secret_matches("f" * 40)
    assert not client.secret_matches("g" * 40)
    assert client.grant_types == {"authorization_code", "refresh_token"}
    assert client.scopes == {"openid", "email"}
    assert client.redirect_uris == (CALLBACK,)
    assert client.post_logout_redirect_uris == (HOME,)
    assert client.roles == frozenset()


def test_a_missing_storefront_secret_file_gets_a_generated_secret() -> None:
    file = MemorySecretFile()

    client = clients.storefront("storefront", (CALLBACK,), ("openid",), secret_file=as_port(file))

    assert file.content is not None
    assert len(file.content) >= 32
    assert client.kind is ClientKind.CONFIDENTIAL
    assert client.secret_digest == digest(file.content)


def test_an_existing_storefront_secret_file_is_read_not_replaced() -> None:
    file = MemorySecretFile("f" * 40)

    client = clients.storefront("storefront", (CALLBACK,), ("openid",), secret_file=as_port(file))

    assert client.secret_matches("f" * 40)
    assert file.writes == 0


@pytest.mark.parametrize("source", ["secret", "file"])
def test_a_short_storefront_secret_is_refused(source: str) -> None:
    secret, file = ("short", None) if source == "secret" else (None, MemorySecretFile("short"))

    with pytest.raises(WeakClientSecretError, match="storefront"):
        clients.storefront("storefront", (CALLBACK,), ("openid",), secret=secret, secret_file=file)


def test_each_client_gets_its_own_generated_secret() -> None:
    storefront_file, smoke_file = MemorySecretFile(), MemorySecretFile()

    clients.storefront("storefront", (CALLBACK,), ("openid",), secret_file=as_port(storefront_file))
    clients.service_client("smoke", "smoke:run", None, as_port(smoke_file))

    assert storefront_file.content != smoke_file.content


def test_the_generated_secret_is_logged_by_its_file_never_by_its_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    file = MemorySecretFile()

    with caplog.at_level(logging.INFO, logger="identity_service.service.clients"):
        clients.storefront("storefront", (CALLBACK,), ("openid",), secret_file=as_port(file))

    generated = [record for record in caplog.records if record.msg == "client secret generated"]
    assert len(generated) == 1
    assert generated[0].__dict__["secret_file"] == file.location
    assert generated[0].__dict__["client_id"] == "storefront"
    assert file.content is not None
    assert all(file.content not in str(value) for value in generated[0].__dict__.values())
    assert file.content not in caplog.text
