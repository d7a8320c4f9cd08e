"""The identity service's problem catalogue: how each domain error is answered (as
problem+json, or on the pages as the form again with the same status and message)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from identity_service.domain import (
    EmailTakenError,
    FormTokenMismatchError,
    InvalidAuthorizationRequestError,
    InvalidEmailError,
    InvalidLogoutRequestError,
    PasswordTooLongError,
    PasswordTooShortError,
    SignInFailedError,
    SignInThrottledError,
)
from shopkit.errors import Problem, ProblemCatalogue, ProblemType
from shopkit.sql import DATABASE_UNAVAILABLE


@dataclass(frozen=True)
class ThrottledProblemType(ProblemType[SignInThrottledError]):
    """With the wait in ``Retry-After``: shopkit's problem types have fixed headers only."""

    def problem(self, exc: SignInThrottledError) -> Problem:
        problem = super().problem(exc)
        problem.headers = {"Retry-After": str(exc.retry_after_seconds)}
        return problem


def _retry_after(error: SignInThrottledError) -> Mapping[str, Any]:
    return {"retryAfterSeconds": error.retry_after_seconds}


def _oauth_error(error: InvalidAuthorizationRequestError) -> Mapping[str, Any]:
    return {"error": error.error}


SIGN_IN_FAILED = ProblemType(
    SignInFailedError,
    401,
    "sign-in-failed",
    "Sign-in failed",
    # RFC 9110 section 15.5.2: a 401 names how to authenticate; here, with the form.
    headers={"WWW-Authenticate": 'Form realm="shopstack"'},
)

PROBLEMS: ProblemCatalogue = [
    DATABASE_UNAVAILABLE,
    ProblemType(InvalidEmailError, 422, "invalid-email", "Invalid email address"),
    ProblemType(PasswordTooShortError, 422, "password-too-short", "Password too short"),
    ProblemType(PasswordTooLongError, 422, "password-too-long", "Password too long"),
    ProblemType(EmailTakenError, 409, "email-taken", "Email taken"),
    SIGN_IN_FAILED,
    ThrottledProblemType(
        SignInThrottledError,
        429,
        "sign-in-throttled",
        "Too many failed sign-ins",
        extensions=_retry_after,
    ),
    ProblemType(FormTokenMismatchError, 403, "csrf-token-invalid", "Form expired"),
    ProblemType(
        InvalidAuthorizationRequestError,
        400,
        "invalid-authorization-request",
        "Invalid authorization request",
        extensions=_oauth_error,
    ),
    ProblemType(InvalidLogoutRequestError, 400, "invalid-logout-request", "Invalid logout request"),
]
