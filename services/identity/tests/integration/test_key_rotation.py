"""`python -m identity_service rotate-keys`: a new signing key at once, the old one kept in
the JWKS while its tokens can still be valid, and dropped after."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import requests
from joserfc import jws
from joserfc.jwk import KeySet

from identity_service.config import Settings

StartIdentity = Callable[..., AbstractContextManager[Settings]]

LIFETIME_SECONDS, LEEWAY_SECONDS = 2, 1


def rotate_keys(identity: Settings) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "IDENTITY_DATABASE_URL": identity.database_url,
        "IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS": str(LIFETIME_SECONDS),
        "IDENTITY_VERIFIER_LEEWAY_SECONDS": str(LEEWAY_SECONDS),
    }
    return subprocess.run(
        [sys.executable, "-m", "identity_service", "rotate-keys"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def service_token(identity: Settings) -> str:
    secret_file = identity.smoke_client_secret_file
    assert isinstance(secret_file, Path)
    answer = requests.post(
        f"{identity.issuer}/token",
        data={"grant_type": "client_credentials"},
        auth=("smoke", secret_file.read_text().strip()),
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def published(identity: Settings) -> KeySet:
    return KeySet.import_key_set(requests.get(f"{identity.issuer}/jwks").json())


def kid_of(token: str) -> str:
    kid: str = jws.extract_compact(token.encode()).protected["kid"]
    return kid


def test_an_old_keys_tokens_verify_during_the_overlap_and_the_key_is_dropped_after(
    start_identity: StartIdentity,
) -> None:
    with start_identity(
        access_token_lifetime_seconds=LIFETIME_SECONDS, verifier_leeway_seconds=LEEWAY_SECONDS
    ) as identity:
        old_token = service_token(identity)

        rotated = rotate_keys(identity)
        rotated_at = time.monotonic()

        new_token = service_token(identity)
        during_overlap = published(identity)
        jws.deserialize_compact(old_token, during_overlap, algorithms=["ES256"])
        jws.deserialize_compact(new_token, during_overlap, algorithms=["ES256"])

        time.sleep(
            max(0.0, rotated_at + LIFETIME_SECONDS + LEEWAY_SECONDS + 0.5 - time.monotonic())
        )
        after_overlap = {key.kid for key in published(identity).keys}

    old_kid, new_kid = kid_of(old_token), kid_of(new_token)
    assert old_kid != new_kid
    assert new_kid in rotated.stdout
    assert {old_kid, new_kid} <= {key.kid for key in during_overlap.keys}
    assert old_kid not in after_overlap
    assert new_kid in after_overlap
