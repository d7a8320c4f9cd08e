"""Verified access tokens and declared access, the same in every service.

Tokens are JWTs of one configured issuer (``AUTH_*``: the embedded identity service,
Keycloak or Entra ID), verified with joserfc against the issuer's published keys.
"""

from shopkit.auth.access import (
    AccessDeclaration,
    Anyone,
    SignedIn,
    UndeclaredAccessError,
    checked_elsewhere,
    ensure_access_declared,
    public,
    role,
    service_scope,
    signed_in,
    undeclared_routes,
)
from shopkit.auth.client import (
    ClientCredentials,
    TokenUnavailableError,
    basic_authorization,
    read_secret,
)
from shopkit.auth.principal import Principal
from shopkit.auth.problems import (
    AUTH_PROBLEMS,
    AccessDeniedError,
    MissingTokenError,
    RejectedTokenError,
)
from shopkit.auth.runtime import AUTH_STATE_KEY, open_verifier, verifier_of
from shopkit.auth.settings import AuthSettings
from shopkit.auth.verify import InvalidTokenError, TokenVerifier

__all__ = [
    "AUTH_PROBLEMS",
    "AUTH_STATE_KEY",
    "AccessDeclaration",
    "AccessDeniedError",
    "Anyone",
    "AuthSettings",
    "ClientCredentials",
    "InvalidTokenError",
    "MissingTokenError",
    "Principal",
    "RejectedTokenError",
    "SignedIn",
    "TokenUnavailableError",
    "TokenVerifier",
    "UndeclaredAccessError",
    "basic_authorization",
    "checked_elsewhere",
    "ensure_access_declared",
    "open_verifier",
    "public",
    "read_secret",
    "role",
    "service_scope",
    "signed_in",
    "undeclared_routes",
    "verifier_of",
]
