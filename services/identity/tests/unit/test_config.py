"""The settings: what the identity service refuses to start with."""

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from identity_service.bootstrap import declared_clients, key_overlap
from identity_service.config import ORDER_SERVICE, SMOKE, Settings
from identity_service.domain import ClientKind, Role
from identity_service.service.clients import WeakClientSecretError


def test_the_defaults_serve_on_8083_with_an_embedded_database() -> None:
    settings = Settings()

    assert settings.port == 8083
    assert settings.database_url == "sqlite+aiosqlite:///.data/identity.db"
    assert settings.issuer == "http://127.0.0.1:8083"
    assert settings.audience == "shopstack"
    assert settings.access_token_lifetime_seconds == 300
    assert settings.storefront_redirect_uris == ("http://127.0.0.1:8000/auth/callback",)


def test_the_variables_are_prefixed_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "IDENTITY_STOREFRONT_REDIRECT_URIS", "https://a.example/cb, https://b.example/cb"
    )
    monkeypatch.setenv("IDENTITY_ORDER_SERVICE_CLIENT_SECRET_FILE", "/run/secrets/order")
    monkeypatch.setenv("IDENTITY_MIGRATE_ON_START", "false")

    settings = Settings()

    assert settings.storefront_redirect_uris == ("https://a.example/cb", "https://b.example/cb")
    assert settings.order_service_client_secret_file == Path("/run/secrets/order")
    assert settings.migrate_on_start is False


@pytest.mark.parametrize("lifetime", [0, 901])
def test_an_access_token_lives_at_most_15_minutes(lifetime: int) -> None:
    with pytest.raises(ValidationError):
        Settings(access_token_lifetime_seconds=lifetime)


def test_a_secret_and_a_secret_file_for_one_client_are_refused() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Settings(smoke_client_secret="s" * 40, smoke_client_secret_file=Path("/run/s"))


@pytest.mark.parametrize("uri", ["/auth/callback", "ftp://x.example/cb", "https://x.example/cb#f"])
def test_a_redirect_uri_must_be_absolute_http(uri: str) -> None:
    with pytest.raises(ValidationError):
        Settings(storefront_redirect_uris=(uri,))


def test_the_issuer_loses_a_trailing_slash_but_may_not_have_a_path() -> None:
    assert Settings(issuer="https://id.example/").issuer == "https://id.example"
    with pytest.raises(ValidationError, match="root"):
        Settings(issuer="https://shop.example/identity")


def test_a_short_configured_client_secret_stops_the_start() -> None:
    with pytest.raises(WeakClientSecretError):
        declared_clients(Settings(smoke_client_secret="short"))


def test_a_retired_key_verifies_for_the_token_lifetime_and_the_leeway() -> None:
    overlap = key_overlap(Settings(access_token_lifetime_seconds=300, verifier_leeway_seconds=60))

    assert overlap.total_seconds() == 360


def test_only_the_smoke_client_has_a_role_by_default_admin() -> None:
    settings = Settings()

    assert settings.client_roles(SMOKE) == {Role.ADMIN}
    assert settings.client_roles(ORDER_SERVICE) == frozenset()


def test_a_clients_roles_are_read_comma_separated_and_may_be_emptied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IDENTITY_ORDER_SERVICE_CLIENT_ROLES", "admin, customer")
    monkeypatch.setenv("IDENTITY_SMOKE_CLIENT_ROLES", "")

    settings = Settings()

    assert settings.client_roles(ORDER_SERVICE) == {Role.ADMIN, Role.CUSTOMER}
    assert settings.client_roles(SMOKE) == frozenset()


def test_a_role_the_platform_does_not_know_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SMOKE_CLIENT_ROLES", "root")

    with pytest.raises(ValidationError, match="smoke_client_roles"):
        Settings()


def test_the_configured_roles_go_to_the_declared_client() -> None:
    settings = Settings(smoke_client_secret="s" * 40, order_service_client_secret="o" * 40)

    declared = declared_clients(settings)

    smoke, order = declared.get("smoke"), declared.get("order-service")
    assert smoke is not None
    assert smoke.roles == {Role.ADMIN}
    assert order is not None
    assert order.roles == frozenset()


def test_the_storefront_is_sent_back_to_the_gateways_home_page_by_default() -> None:
    settings = Settings()

    storefront = declared_clients(settings).get("storefront")

    assert settings.storefront_post_logout_redirect_uris == ("http://127.0.0.1:8000/",)
    assert storefront is not None
    assert storefront.post_logout_redirect_uris == ("http://127.0.0.1:8000/",)


def test_the_post_logout_redirect_uris_are_read_comma_or_space_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS",
        "https://shop.example/, https://shop.example/bye https://www.shop.example/",
    )

    settings = Settings()

    assert settings.storefront_post_logout_redirect_uris == (
        "https://shop.example/",
        "https://shop.example/bye",
        "https://www.shop.example/",
    )


@pytest.mark.parametrize("uri", ["/", "javascript:alert(1)", "https://shop.example/#signed-out"])
def test_a_post_logout_redirect_uri_must_be_absolute_http(uri: str) -> None:
    with pytest.raises(ValidationError, match="absolute"):
        Settings(storefront_post_logout_redirect_uris=(uri,))


def test_the_storefronts_secret_settings_are_prefixed_identity_storefront(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IDENTITY_STOREFRONT_CLIENT_SECRET_FILE", "/run/secrets/storefront")

    settings = Settings()

    assert settings.storefront_client_secret_file == Path("/run/secrets/storefront")
    assert settings.client_secret_source("storefront") == (None, Path("/run/secrets/storefront"))


def test_a_secret_and_a_secret_file_for_the_storefront_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IDENTITY_STOREFRONT_CLIENT_SECRET", "f" * 40)
    monkeypatch.setenv("IDENTITY_STOREFRONT_CLIENT_SECRET_FILE", "/run/secrets/storefront")

    with pytest.raises(ValidationError, match="IDENTITY_STOREFRONT_CLIENT_SECRET_FILE, not both"):
        Settings()


def test_without_a_secret_the_declared_storefront_is_public() -> None:
    storefront = declared_clients(Settings()).get("storefront")

    assert storefront is not None
    assert storefront.kind is ClientKind.PUBLIC
    assert storefront.secret_digest is None


def test_with_a_configured_secret_the_declared_storefront_is_confidential() -> None:
    settings = Settings(storefront_client_secret="f" * 40)

    storefront = declared_clients(settings).get("storefront")

    assert storefront is not None
    assert storefront.kind is ClientKind.CONFIDENTIAL
    assert storefront.secret_matches("f" * 40)
    assert storefront.redirect_uris == settings.storefront_redirect_uris
    assert storefront.post_logout_redirect_uris == settings.storefront_post_logout_redirect_uris


def test_the_storefronts_secret_file_is_created_owner_only_at_start(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "storefront"

    storefront = declared_clients(Settings(storefront_client_secret_file=path)).get("storefront")

    assert storefront is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert storefront.secret_matches(path.read_text().strip())


def test_a_short_configured_storefront_secret_stops_the_start() -> None:
    with pytest.raises(WeakClientSecretError, match="storefront"):
        declared_clients(Settings(storefront_client_secret="short"))
