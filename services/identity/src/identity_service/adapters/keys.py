"""Signing keys with joserfc: ES256 (P-256) keys, each named by its RFC 7638 thumbprint."""

import json
from datetime import datetime
from typing import Any

from joserfc.jwk import ECKey, KeySet

from identity_service.domain import KeyRing, SigningKey

ALGORITHM = "ES256"


class EcKeyFactory:
    """The KeyFactory port: a fresh P-256 key for each rotation."""

    def new_signing_key(self, now: datetime) -> SigningKey:
        key = ECKey.generate_key("P-256", {"use": "sig", "alg": ALGORITHM}, auto_kid=True)
        kid = key.kid
        assert kid is not None, "auto_kid names every generated key"
        return SigningKey(kid, json.dumps(key.as_dict(private=True)), now)


def signing_key_set(ring: KeyRing) -> KeySet:
    """The one key tokens are signed with now, as a set: joserfc then writes its ``kid``
    into the header of every token it signs."""
    key = ring.signing_key()
    if key is None:
        raise LookupError("there is no active signing key")
    return KeySet([ECKey.import_key(json.loads(key.private_jwk))])


def public_key_set(ring: KeyRing, now: datetime) -> KeySet:
    """Every key a token still valid at `now` may be signed with, public halves only."""
    keys = [ECKey.import_key(json.loads(key.private_jwk)) for key in ring.published(now)]
    return KeySet.import_key_set({"keys": [key.as_dict(private=False) for key in keys]})


def jwks_document(ring: KeyRing, now: datetime) -> dict[str, Any]:
    """The JWKS endpoint's answer (RFC 7517), never with private parameters."""
    return {"keys": [dict(key.as_dict(private=False)) for key in public_key_set(ring, now).keys]}
