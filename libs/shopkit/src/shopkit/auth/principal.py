"""Who called: the verified subject of an access token, its roles and its scopes."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SERVICE_TOKEN_TYPE = "app"
USER_TOKEN_TYPE = "user"
"""Values of the ``idtyp`` claim (as Microsoft Entra ID names it) the identity service sets."""


@dataclass(frozen=True)
class Principal:
    """The caller a verified access token speaks for.

    `is_service` is true for a client-credentials token (a service acting for itself, no end
    user): when the token says so with ``idtyp: "app"``, or, without ``idtyp``, when its
    subject is its client (``sub == client_id``, RFC 9068 section 2.2). ``idtyp: "user"`` is
    always a user token.
    """

    subject: str
    roles: frozenset[str]
    scopes: frozenset[str]
    client_id: str | None
    is_service: bool


def principal_from_claims(claims: Mapping[str, Any], roles_claim: str) -> Principal:
    """The principal of verified `claims`; ValueError when a claim has the wrong shape.

    `roles_claim` is a dotted path (``realm_access.roles`` for Keycloak).
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ValueError("the token has no subject")
    client_id = _client_id(claims)
    token_type = claims.get("idtyp")
    if token_type is None:
        is_service = client_id is not None and subject == client_id
    elif token_type in (SERVICE_TOKEN_TYPE, USER_TOKEN_TYPE):
        is_service = token_type == SERVICE_TOKEN_TYPE
    else:
        raise ValueError("the token's 'idtyp' claim is neither 'app' nor 'user'")
    return Principal(
        subject=subject,
        roles=_roles(claims, roles_claim),
        scopes=_scopes(claims),
        client_id=client_id,
        is_service=is_service,
    )


def _client_id(claims: Mapping[str, Any]) -> str | None:
    # RFC 9068 names it client_id; Keycloak and Entra v2 say azp, Entra v1 appid.
    for name in ("client_id", "azp", "appid"):
        value = claims.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise ValueError(f"the token's '{name}' claim is not a string")
            return value
    return None


def _roles(claims: Mapping[str, Any], path: str) -> frozenset[str]:
    value: Any = claims
    for name in path.split("."):
        if not isinstance(value, Mapping) or name not in value:
            return frozenset()
        value = value[name]
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise ValueError(f"the token's '{path}' claim is not a list of strings")
    return frozenset(value)


def _scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    # RFC 9068: "scope", space-separated. Entra: "scp", space-separated; Okta: "scp", a list.
    for name in ("scope", "scp"):
        value = claims.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            return frozenset(value.split())
        if isinstance(value, list) and all(isinstance(scope, str) for scope in value):
            return frozenset(value)
        raise ValueError(f"the token's '{name}' claim is neither a string nor a list of strings")
    return frozenset()
