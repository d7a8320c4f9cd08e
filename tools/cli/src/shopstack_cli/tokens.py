"""The smoke client's own access token: client credentials (RFC 6749 section 4.4) at the
token endpoint the issuer's OpenID discovery document names.

Neither the secret nor the token is ever printed: a failure names the step and the status.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

SECRET_VARIABLE = "SHOPSTACK_CLIENT_SECRET"
DISCOVERY_PATH = "/.well-known/openid-configuration"


class TokenError(Exception):
    """No token could be had; the message says why, never quoting a secret."""


@dataclass(frozen=True)
class ClientCredentials:
    issuer_url: str
    client_id: str
    secret: str = field(repr=False)


def read_client_secret(secret_file: Path | None, environ: Mapping[str, str]) -> str | None:
    """The secret in ``SHOPSTACK_CLIENT_SECRET`` or in `secret_file` (never on the command
    line, where every process list shows it); None when neither is given."""
    value = environ.get(SECRET_VARIABLE) or None
    if value is not None and secret_file is not None:
        raise TokenError(f"give the client secret in {SECRET_VARIABLE} or in a file, not both")
    if secret_file is None:
        return value
    try:
        secret = secret_file.read_text("utf-8").rstrip("\r\n")
    except OSError as exc:
        raise TokenError(f"the client secret file {secret_file} cannot be read: {exc}") from None
    if not secret:
        raise TokenError(f"the client secret file {secret_file} is empty")
    return secret


async def token_endpoint(session: aiohttp.ClientSession, issuer_url: str) -> str:
    """The token endpoint of `issuer_url`, from its discovery document."""
    issuer = issuer_url.rstrip("/")
    document = await _json(session, "GET", issuer + DISCOVERY_PATH, "the discovery document")
    # OpenID Connect Discovery section 4.3: the document must name the issuer it was fetched for.
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise TokenError(f"{issuer}{DISCOVERY_PATH} is not the discovery document of {issuer}")
    endpoint = document.get("token_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        raise TokenError(f"the discovery document of {issuer} names no token endpoint")
    return endpoint


async def access_token(session: aiohttp.ClientSession, credentials: ClientCredentials) -> str:
    """A fresh access token for the client `credentials` name."""
    endpoint = await token_endpoint(session, credentials.issuer_url)
    # RFC 6749 section 2.3.1: both parts form-urlencoded before the Basic encoding.
    authorization = aiohttp.encode_basic_auth(
        quote(credentials.client_id, safe=""), quote(credentials.secret, safe="")
    )
    answer = await _json(
        session,
        "POST",
        endpoint,
        f"the token endpoint (client {credentials.client_id})",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": authorization},
    )
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise TokenError("the token endpoint answered no access_token")
    return token


async def _json(
    session: aiohttp.ClientSession, method: str, url: str, what: str, **request: Any
) -> Any:
    try:
        async with session.request(method, url, allow_redirects=False, **request) as response:
            payload = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise TokenError(f"{what} at {url}: {type(exc).__name__} {exc}") from None
    if status != 200:
        error = payload.get("error") if isinstance(payload, dict) else None
        raise TokenError(f"{what} at {url} answered {status}" + (f" ({error})" if error else ""))
    return payload
