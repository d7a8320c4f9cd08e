"""Service-client credentials in tests: generated secrets in owner-only files, and tokens by
the client-credentials grant, as a deployment's secret store and a service would."""

import json
import os
import secrets
import urllib.parse
import urllib.request
from pathlib import Path

import aiohttp

SECRET_BYTES = 32


def write_secret(path: Path) -> None:
    """A new random secret in `path`, readable by its owner only from its first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(SECRET_BYTES) + "\n")


def client_credentials_token(
    token_url: str, client_id: str, secret: str, timeout: float = 5.0
) -> str:
    """An access token for `client_id` by the client-credentials grant (RFC 6749 4.4)."""
    # RFC 6749 section 2.3.1: both parts form-urlencoded before the Basic encoding.
    basic = aiohttp.encode_basic_auth(
        urllib.parse.quote(client_id, safe=""), urllib.parse.quote(secret, safe="")
    )
    request = urllib.request.Request(
        token_url,
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        method="POST",
        headers={
            "Authorization": basic,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        token: str = json.load(response)["access_token"]
    return token
