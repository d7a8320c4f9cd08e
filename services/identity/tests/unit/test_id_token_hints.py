"""ID tokens read back as logout hints, with real keys: this provider's, expired or not, are
read; another key's, another issuer's, an access token or garbage are refused."""

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from identity_service.adapters.keys import EcKeyFactory, signing_key_set
from identity_service.adapters.oauth.id_token_hints import PublishedKeyIdTokens
from identity_service.domain import IdTokenHint, InvalidLogoutRequestError, KeyRing

ISSUER = "https://id.shop.example"
NOW = datetime.now(UTC)
RING = KeyRing((EcKeyFactory().new_signing_key(NOW),), timedelta(minutes=6))
OTHER_RING = KeyRing((EcKeyFactory().new_signing_key(NOW),), timedelta(minutes=6))


async def key_ring() -> KeyRing:
    return RING


def claims_of(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-1", "aud": ["storefront"], "iat": now, "exp": now + 300}
    return {**claims, **overrides}


def id_token(ring: KeyRing = RING, header: dict[str, str] | None = None, **claims: Any) -> str:
    return jwt.encode(
        {"alg": "ES256", **(header or {})}, claims_of(**claims), signing_key_set(ring)
    )


def forged_with_our_kid() -> str:
    """Signed with another key that claims this provider's key id."""
    other = json.loads(OTHER_RING.keys[0].private_jwk)
    forger = ECKey.import_key({**other, "kid": RING.keys[0].kid})
    return jwt.encode({"alg": "ES256"}, claims_of(), KeySet([forger]))


@pytest.fixture
def hints() -> PublishedKeyIdTokens:
    return PublishedKeyIdTokens(ISSUER, key_ring, lambda: datetime.now(UTC))


async def test_an_id_token_of_this_provider_names_its_subject_and_clients(
    hints: PublishedKeyIdTokens,
) -> None:
    assert await hints.verify(id_token()) == IdTokenHint("user-1", frozenset({"storefront"}))


async def test_an_audience_may_be_a_single_string(hints: PublishedKeyIdTokens) -> None:
    assert (await hints.verify(id_token(aud="storefront"))).audiences == {"storefront"}


async def test_an_expired_id_token_is_still_a_hint(hints: PublishedKeyIdTokens) -> None:
    long_ago = int(time.time()) - 86_400

    hint = await hints.verify(id_token(iat=long_ago, exp=long_ago + 300))

    assert hint.subject == "user-1"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (id_token(OTHER_RING), "not an ID token this provider signed"),
        (forged_with_our_kid(), "not an ID token this provider signed"),
        ("not.a.token", "not an ID token this provider signed"),
        ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTEifQ.", "not an ID token this provider signed"),
        (id_token(iss="https://evil.example"), "another issuer"),
        (id_token(header={"typ": "at+jwt"}, aud="shopstack"), "access token"),
        (id_token(sub=""), "no subject or audience"),
        (id_token(aud=[]), "no subject or audience"),
    ],
    ids=[
        "another-key",
        "another-key-with-our-kid",
        "garbage",
        "alg-none",
        "another-issuer",
        "access-token",
        "no-subject",
        "no-audience",
    ],
)
async def test_anything_but_an_id_token_this_provider_signed_is_refused(
    hints: PublishedKeyIdTokens, token: str, message: str
) -> None:
    with pytest.raises(InvalidLogoutRequestError, match=message):
        await hints.verify(token)


async def rotated_ring() -> KeyRing:
    """RING's key retired at NOW in favour of a new one."""
    old = replace(RING.keys[0], retired_at=NOW)
    return replace(RING, keys=(old, EcKeyFactory().new_signing_key(NOW)))


async def test_an_id_token_of_a_retired_key_is_read_while_the_key_is_published() -> None:
    hints = PublishedKeyIdTokens(ISSUER, rotated_ring, lambda: NOW + timedelta(minutes=5))

    assert (await hints.verify(id_token())).subject == "user-1"


async def test_an_id_token_of_a_key_dropped_after_rotation_is_refused() -> None:
    hints = PublishedKeyIdTokens(ISSUER, rotated_ring, lambda: NOW + timedelta(minutes=7))

    with pytest.raises(InvalidLogoutRequestError):
        await hints.verify(id_token())
