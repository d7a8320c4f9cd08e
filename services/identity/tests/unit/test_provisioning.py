"""The local admin and the service clients' secrets, provisioned on first start."""

from typing import Any

import pytest

from identity_service.domain import EmailTakenError, Role, User, digest
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

    assert client.secret_digest is None
    assert client.allows_redirect_to("http://127.0.0.1:8000/auth/callback")
    assert client.grant_types == {"authorization_code", "refresh_token"}
