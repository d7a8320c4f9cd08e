"""Ending the browser's session at a client's request (OpenID Connect RP-Initiated Logout
1.0): at once when the client proves whom it asks about, once the user confirms otherwise."""

from dataclasses import dataclass, replace

from identity_service.domain import InvalidLogoutRequestError, LoginSession, LogoutRequest
from identity_service.ports import (
    ClientRegistry,
    Clock,
    IdTokenHints,
    SessionStore,
    UserRepository,
)
from identity_service.service import sessions


@dataclass(frozen=True)
class Logout:
    """What the end-session endpoint works with."""

    sessions: SessionStore
    users: UserRepository
    clients: ClientRegistry
    id_tokens: IdTokenHints
    clock: Clock


@dataclass(frozen=True)
class LogoutAsked:
    """The end-session endpoint's parameters as sent; an empty one counts as not sent."""

    id_token_hint: str | None = None
    client_id: str | None = None
    post_logout_redirect_uri: str | None = None
    state: str | None = None
    confirmation_token: str | None = None
    """The CSRF token of the confirmation form, when the user submitted it."""


@dataclass(frozen=True)
class SignedOut:
    redirect_to: str | None
    """The client's post-logout redirect URI (with its state); None: the signed-out page."""
    forget_cookie: bool
    """Whether the session cookie names no live session any more."""


@dataclass(frozen=True)
class ConfirmationNeeded:
    """Nothing proves the client asks about this user: they confirm on a form of `session`,
    which carries `request` on (without its hint)."""

    session: LoginSession
    email: str | None
    request: LogoutRequest


async def end_session(
    logout: Logout, asked: LogoutAsked, cookie_value: str | None
) -> SignedOut | ConfirmationNeeded:
    """End the signed-in session of `cookie_value` if the request proves it is about its
    user or the user confirmed; raises InvalidLogoutRequestError for a hint, client or
    redirect URI that cannot be trusted, and FormTokenMismatchError for a forged form."""
    hint = await logout.id_tokens.verify(asked.id_token_hint) if asked.id_token_hint else None
    request = LogoutRequest(
        client_id=asked.client_id or None,
        post_logout_redirect_uri=asked.post_logout_redirect_uri or None,
        state=asked.state or None,
        hint=hint,
    )
    client_id = request.named_client_id()
    redirect_to = None
    if client_id is not None:
        client = logout.clients.get(client_id)
        if client is None:
            raise InvalidLogoutRequestError("the client_id names no client of this provider")
        redirect_to = request.redirect_for(client)
    session = await sessions.session_of(logout.sessions, logout.clock, cookie_value)
    if session is None or session.user_id is None:
        # Nobody is signed in: nothing to end, nothing to ask (an anonymous session keeps
        # the token of a sign-in form that may be open in another tab).
        return SignedOut(redirect_to, forget_cookie=session is None)
    if asked.confirmation_token is not None:
        session.check_form_token(asked.confirmation_token)
    elif not request.speaks_for(session):
        # A page on any site can send the browser here: only the user's own click, on a
        # form a cross-site page cannot read the token of, ends the session now.
        user = await logout.users.by_id(session.user_id)
        return ConfirmationNeeded(
            session,
            user.email if user is not None else None,
            replace(request, client_id=client_id, hint=None),
        )
    await logout.sessions.delete(session.session_digest)
    return SignedOut(redirect_to, forget_cookie=True)
