"""The sign-in and sign-up forms: each bound to a login session by its CSRF token, and a
success replaces that session with a signed-in one."""

from dataclasses import dataclass
from datetime import timedelta

from identity_service.domain import (
    FormTokenMismatchError,
    LoginSession,
    PasswordPolicy,
    SignedIn,
)
from identity_service.ports import (
    Clock,
    PasswordHasher,
    SessionStore,
    SignInFailureLog,
    SignInOutcomes,
    UserRepository,
)
from identity_service.service import accounts, sessions
from identity_service.service.accounts import SignInRules
from identity_service.service.sessions import OpenedSession


@dataclass(frozen=True)
class Accounts:
    """What the forms and the authorization endpoint work with."""

    users: UserRepository
    sessions: SessionStore
    failures: SignInFailureLog
    passwords: PasswordHasher
    outcomes: SignInOutcomes
    password_policy: PasswordPolicy
    sign_in_rules: SignInRules
    session_lifetime: timedelta
    clock: Clock


@dataclass(frozen=True)
class FormSession:
    """The session a form is rendered in; `new_cookie_value` is set when it was just opened
    (the response must set the cookie)."""

    session: LoginSession
    new_cookie_value: str | None = None


async def form_session(accounts_: Accounts, cookie_value: str | None) -> FormSession:
    """The live session of the cookie, or a new anonymous one."""
    session = await sessions.session_of(accounts_.sessions, accounts_.clock, cookie_value)
    if session is not None:
        return FormSession(session)
    opened = await sessions.open_anonymous(accounts_.sessions, accounts_.clock)
    return FormSession(opened.session, opened.cookie_value)


async def signed_in(accounts_: Accounts, cookie_value: str | None) -> SignedIn | None:
    return await sessions.signed_in(
        accounts_.sessions, accounts_.users, accounts_.clock, cookie_value
    )


async def sign_in(
    accounts_: Accounts,
    cookie_value: str | None,
    csrf_token: str,
    credentials: tuple[str, str],
    address: str,
) -> OpenedSession:
    """Sign in through the form: the new session, or the error that says why not."""
    session = await _checked_session(accounts_, cookie_value, csrf_token)
    who = await accounts.sign_in(
        accounts_.users,
        accounts_.passwords,
        accounts_.failures,
        accounts_.sign_in_rules,
        accounts_.outcomes,
        accounts_.clock,
        credentials,
        address,
    )
    return await _replace(accounts_, session, who)


async def sign_up(
    accounts_: Accounts, cookie_value: str | None, csrf_token: str, credentials: tuple[str, str]
) -> OpenedSession:
    """Register through the form, and be signed in as the new customer."""
    session = await _checked_session(accounts_, cookie_value, csrf_token)
    email, password = credentials
    user = await accounts.register(
        accounts_.users,
        accounts_.passwords,
        accounts_.password_policy,
        accounts_.clock,
        email,
        password,
    )
    return await _replace(accounts_, session, SignedIn(user, accounts_.clock()))


async def _checked_session(
    accounts_: Accounts, cookie_value: str | None, csrf_token: str
) -> LoginSession:
    # A cross-site page can make the browser send the cookie, but cannot read the token.
    session = await sessions.session_of(accounts_.sessions, accounts_.clock, cookie_value)
    if session is None:
        raise FormTokenMismatchError("the form expired; send it again")
    session.check_form_token(csrf_token)
    return session


async def _replace(accounts_: Accounts, session: LoginSession, who: SignedIn) -> OpenedSession:
    return await sessions.start_signed_in_session(
        accounts_.sessions, accounts_.clock, session, who, accounts_.session_lifetime
    )
