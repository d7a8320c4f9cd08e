"""How refused access is answered: 401 and 403 problem+json, with RFC 6750 challenges."""

from typing import Any

from shopkit.errors import ProblemType


class MissingTokenError(Exception):
    """The route needs an access token and the request sent none."""


class RejectedTokenError(Exception):
    """The request sent an access token (or another Authorization) that is not accepted."""


class AccessDeniedError(Exception):
    """The token is valid, but its principal may not call this route."""


AUTH_PROBLEMS: tuple[ProblemType[Any], ...] = (
    ProblemType(
        MissingTokenError,
        401,
        "unauthenticated",
        "Unauthenticated",
        headers={"WWW-Authenticate": "Bearer"},
    ),
    ProblemType(
        RejectedTokenError,
        401,
        "unauthenticated",
        "Unauthenticated",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    ),
    ProblemType(
        AccessDeniedError,
        403,
        "forbidden",
        "Forbidden",
        headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
    ),
)
"""Installed by `shopkit.app.create_app` next to the service's own catalogue."""
