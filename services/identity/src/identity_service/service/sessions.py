"""The identity service's own login sessions: the cookie that remembers who signed in, and
the token its forms carry against cross-site request forgery."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from identity_service.domain import LoginSession, SignedIn, digest
from identity_service.ports import Clock, SessionStore, UserRepository

SESSION_TOKEN_BYTES = 32
ANONYMOUS_SESSION_LIFETIME = timedelta(hours=1)
"""Long enough to fill in a form; a signed-in session lives as long as configured."""


@dataclass(frozen=True)
class OpenedSession:
    cookie_value: str
    """Only ever in the cookie: the store keeps its digest."""
    session: LoginSession


async def session_of(
    sessions: SessionStore, clock: Clock, cookie_value: str | None
) -> LoginSession | None:
    """The live session `cookie_value` names, if any."""
    if not cookie_value:
        return None
    session = await sessions.get(digest(cookie_value))
    if session is None or not session.is_live(clock()):
        return None
    return session


async def signed_in(
    sessions: SessionStore, users: UserRepository, clock: Clock, cookie_value: str | None
) -> SignedIn | None:
    """Who the session cookie says signed in (and when), if they still exist."""
    session = await session_of(sessions, clock, cookie_value)
    if session is None or session.user_id is None or session.auth_time is None:
        return None
    user = await users.by_id(session.user_id)
    return SignedIn(user, session.auth_time) if user is not None else None


async def open_anonymous(sessions: SessionStore, clock: Clock) -> OpenedSession:
    """A session for a visitor who has not signed in: it carries their forms' token."""
    return await _open(sessions, clock, None, ANONYMOUS_SESSION_LIFETIME)


async def start_signed_in_session(
    sessions: SessionStore,
    clock: Clock,
    previous: LoginSession,
    who: SignedIn,
    lifetime: timedelta,
) -> OpenedSession:
    """Replace the form's session with a new, signed-in one: a session id known before
    sign-in (one an attacker planted) is never the one that is signed in."""
    await sessions.delete(previous.session_digest)
    return await _open(sessions, clock, who, lifetime)


async def _open(
    sessions: SessionStore, clock: Clock, who: SignedIn | None, lifetime: timedelta
) -> OpenedSession:
    now = clock()
    await sessions.purge_expired(now)
    cookie_value = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    session = LoginSession(
        session_digest=digest(cookie_value),
        csrf_token=secrets.token_urlsafe(SESSION_TOKEN_BYTES),
        created_at=now,
        expires_at=now + lifetime,
        user_id=who.user.user_id if who else None,
        auth_time=who.auth_time if who else None,
    )
    await sessions.add(session)
    return OpenedSession(cookie_value, session)
