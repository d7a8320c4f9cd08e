"""The gateway's own failures and their problem+json answers, declared once."""

from typing import Any

from gateway.auth.errors import (
    CsrfRejectedError,
    IdentityProviderUnavailableError,
    SessionExpiredError,
    SignInFailedError,
)
from gateway.rate_limit import RateLimitedError
from shopkit.errors import ProblemType
from shopkit.faults import FAULT_PROBLEMS

RETRY_AFTER = {"Retry-After": "2"}


class UnknownServiceError(Exception):
    def __init__(self, service: str) -> None:
        super().__init__(f"No service named {service}.")


class NoSuchRouteError(Exception):
    """Not a route of the public shop: never forwarded."""

    def __init__(self, method: str, path: str) -> None:
        super().__init__(f"{method} {path} is not a route of the shop.")


class MethodNotAllowedError(Exception):
    """A route of the public shop asked with a method it does not take."""

    def __init__(self, method: str, path: str, allowed: list[str]) -> None:
        super().__init__(f"{path} does not take {method}; it takes {', '.join(allowed)}.")
        self.allowed = allowed


class NonCanonicalPathError(Exception):
    """A path a service could read as another one: never matched, never forwarded."""

    def __init__(self) -> None:
        super().__init__(
            "The path is not in canonical form: no percent-encoding, backslash, empty, "
            "'.' or '..' segment is accepted."
        )


class UpstreamTimeoutError(Exception):
    def __init__(self, service: str, timeout_seconds: float) -> None:
        super().__init__(f"The {service} service did not answer within {timeout_seconds:g} s.")
        self.service = service


class UpstreamUnreachableError(Exception):
    def __init__(self, service: str) -> None:
        super().__init__(f"The {service} service cannot be reached.")
        self.service = service


def _clear_cookie(exc: SessionExpiredError) -> dict[str, str]:
    return {"Set-Cookie": exc.clear_cookie}


def _retry_after(exc: RateLimitedError) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)}


def _service(exc: UpstreamTimeoutError | UpstreamUnreachableError) -> dict[str, Any]:
    return {"service": exc.service}


PROBLEMS: list[ProblemType[Any]] = [
    ProblemType(UnknownServiceError, 404, "unknown-service", "Unknown service", str),
    ProblemType(NoSuchRouteError, 404, "no-such-route", "Not Found", str),
    ProblemType(
        MethodNotAllowedError,
        405,
        "method-not-allowed",
        "Method Not Allowed",
        str,
        headers=lambda exc: {"Allow": ", ".join(exc.allowed)},
    ),
    ProblemType(NonCanonicalPathError, 400, "non-canonical-path", "Non-canonical path", str),
    ProblemType(
        RateLimitedError,
        429,
        "too-many-requests",
        "Too many requests",
        str,
        headers=_retry_after,
    ),
    ProblemType(
        UpstreamTimeoutError,
        504,
        "upstream-timeout",
        "Gateway Timeout",
        str,
        _service,
        headers=RETRY_AFTER,
    ),
    ProblemType(
        UpstreamUnreachableError,
        502,
        "upstream-unreachable",
        "Bad Gateway",
        str,
        _service,
        headers=RETRY_AFTER,
    ),
    ProblemType(
        SessionExpiredError,
        401,
        "session-expired",
        "Session expired",
        str,
        headers=_clear_cookie,
    ),
    ProblemType(CsrfRejectedError, 403, "csrf-rejected", "Forbidden", str),
    ProblemType(SignInFailedError, 400, "sign-in-failed", "Sign-in failed", str),
    ProblemType(
        IdentityProviderUnavailableError,
        503,
        "identity-provider-unavailable",
        "Service Unavailable",
        str,
        headers=RETRY_AFTER,
    ),
    *FAULT_PROBLEMS,
]
