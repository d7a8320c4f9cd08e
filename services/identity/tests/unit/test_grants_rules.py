"""Clients, refresh tokens and signing keys: the rules of what is granted, without I/O."""

from datetime import UTC, datetime, timedelta

import pytest

from identity_service.domain import (
    Client,
    ClientKind,
    KeyRing,
    RefreshToken,
    RefreshTokenStatus,
    SigningKey,
    digest,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def storefront() -> Client:
    return Client(
        "storefront",
        ClientKind.PUBLIC,
        frozenset({"authorization_code", "refresh_token"}),
        frozenset({"openid", "email", "profile"}),
        redirect_uris=("https://shop.example/auth/callback",),
    )


@pytest.mark.parametrize(
    "uri",
    [
        "https://shop.example/auth/callback/",
        "https://shop.example/auth/callback?next=/",
        "https://shop.example/auth/callbackx",
        "https://shop.example.evil/auth/callback",
        "http://shop.example/auth/callback",
        "HTTPS://SHOP.EXAMPLE/auth/callback",
    ],
)
def test_a_redirect_uri_must_match_a_registered_one_exactly(uri: str) -> None:
    client = storefront()

    assert client.allows_redirect_to("https://shop.example/auth/callback")
    assert not client.allows_redirect_to(uri)


def test_a_client_is_granted_what_it_asks_within_its_scopes() -> None:
    client = storefront()

    assert client.granted_scope("openid email") == "email openid"
    assert client.granted_scope(None) == "email openid profile"
    assert client.granted_scope("openid inventory:reserve") is None


def test_a_client_secret_is_checked_against_its_digest() -> None:
    client = Client(
        "order-service",
        ClientKind.CONFIDENTIAL,
        frozenset({"client_credentials"}),
        frozenset({"inventory:reserve"}),
        secret_digest=digest("s" * 43),
    )

    assert client.secret_matches("s" * 43)
    assert not client.secret_matches("s" * 42)
    assert not storefront().secret_matches("")


def refresh_token(status: RefreshTokenStatus = RefreshTokenStatus.ACTIVE) -> RefreshToken:
    return RefreshToken(
        digest("token"),
        "family",
        "storefront",
        "u-1",
        "openid",
        NOW,
        NOW + timedelta(days=1),
        status,
    )


def test_an_active_refresh_token_is_redeemable_until_it_expires() -> None:
    token = refresh_token()

    assert token.redeemable(NOW)
    assert not token.redeemable(NOW + timedelta(days=1))


def test_a_rotated_refresh_token_presented_again_is_a_replay() -> None:
    rotated = refresh_token().rotated()

    assert rotated.status is RefreshTokenStatus.ROTATED
    assert rotated.is_replay()
    assert not rotated.redeemable(NOW)


def test_a_revoked_refresh_token_is_neither_redeemable_nor_rotated_again() -> None:
    revoked = refresh_token(RefreshTokenStatus.REVOKED)

    assert not revoked.redeemable(NOW)
    assert not revoked.is_replay()
    with pytest.raises(ValueError, match="cannot be rotated"):
        revoked.rotated()


OVERLAP = timedelta(minutes=6)


def key(kid: str, created_minutes_ago: int, retired_minutes_ago: int | None = None) -> SigningKey:
    retired = (
        NOW - timedelta(minutes=retired_minutes_ago) if retired_minutes_ago is not None else None
    )
    return SigningKey(kid, "{}", NOW - timedelta(minutes=created_minutes_ago), retired)


def test_tokens_are_signed_with_the_newest_active_key() -> None:
    ring = KeyRing((key("old", 60, retired_minutes_ago=1), key("a", 30), key("b", 10)), OVERLAP)

    signing = ring.signing_key()

    assert signing is not None
    assert signing.kid == "b"


def test_a_retired_key_is_published_until_its_tokens_can_have_expired() -> None:
    ring = KeyRing(
        (
            key("new", 5),
            key("just-retired", 60, retired_minutes_ago=5),
            key("long-retired", 90, retired_minutes_ago=6),
        ),
        OVERLAP,
    )

    assert [k.kid for k in ring.published(NOW)] == ["new", "just-retired"]
    assert [k.kid for k in ring.expired(NOW)] == ["long-retired"]


def test_a_rotation_retires_every_active_key_at_once() -> None:
    ring = KeyRing((key("a", 30), key("gone", 60, retired_minutes_ago=20)), OVERLAP)

    retiring = ring.retiring(NOW)

    assert [(k.kid, k.retired_at) for k in retiring] == [("a", NOW)]


def test_no_key_signs_when_every_key_is_retired() -> None:
    assert KeyRing((key("a", 30, retired_minutes_ago=1),), OVERLAP).signing_key() is None
