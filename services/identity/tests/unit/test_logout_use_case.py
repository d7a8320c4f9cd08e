"""Ending a session at a client's request, through the use case, on in-memory fakes: at
once with an ID token of the signed-in user, after the user's confirmation otherwise."""

from datetime import datetime
from typing import Any

import pytest

from identity_service.adapters.clients import DeclaredClients
from identity_service.domain import (
    FormTokenMismatchError,
    IdTokenHint,
    InvalidLogoutRequestError,
    LoginSession,
    SignedIn,
    User,
)
from identity_service.service import clients, sessions
from identity_service.service.logout import (
    ConfirmationNeeded,
    Logout,
    LogoutAsked,
    SignedOut,
    end_session,
)

HOME = "http://127.0.0.1:8000/"
STOREFRONT = clients.storefront(
    "storefront", ("http://127.0.0.1:8000/auth/callback",), ("openid",), (HOME,)
)


class FakeSessions:
    def __init__(self) -> None:
        self.rows: dict[str, LoginSession] = {}

    async def add(self, session: LoginSession) -> None:
        self.rows[session.session_digest] = session

    async def get(self, session_digest: str) -> LoginSession | None:
        return self.rows.get(session_digest)

    async def delete(self, session_digest: str) -> None:
        self.rows.pop(session_digest, None)

    async def purge_expired(self, now: datetime) -> None:
        self.rows = {key: row for key, row in self.rows.items() if row.is_live(now)}


class KnownIdTokens:
    """The ID tokens "this provider signed": any other string is refused, as forged."""

    def __init__(self, **hints: IdTokenHint) -> None:
        self._hints = hints

    async def verify(self, id_token: str) -> IdTokenHint:
        if id_token not in self._hints:
            raise InvalidLogoutRequestError(
                "the id_token_hint is not an ID token this provider signed"
            )
        return self._hints[id_token]


@pytest.fixture
def store() -> FakeSessions:
    return FakeSessions()


@pytest.fixture
def logout(store: FakeSessions, users: Any, clock: Any) -> Logout:
    id_tokens = KnownIdTokens(
        ada=IdTokenHint("ada", frozenset({"storefront"})),
        bob=IdTokenHint("bob", frozenset({"storefront"})),
    )
    return Logout(store, users, DeclaredClients([STOREFRONT]), id_tokens, clock)


async def signed_in_as(user_id: str, store: FakeSessions, users: Any, clock: Any) -> str:
    """A signed-in session of a new user `user_id`; its cookie value."""
    user = User.register(user_id, f"{user_id}@example.com", "hashed:x", clock())
    await users.add(user)
    anonymous = await sessions.open_anonymous(store, clock)
    opened = await sessions.start_signed_in_session(
        store,
        clock,
        anonymous.session,
        SignedIn(user, clock()),
        anonymous.session.expires_at - clock(),
    )
    return opened.cookie_value


async def is_signed_in(cookie: str, store: FakeSessions, users: Any, clock: Any) -> bool:
    return await sessions.signed_in(store, users, clock, cookie) is not None


async def test_an_id_token_of_the_signed_in_user_ends_the_session_and_goes_back_with_the_state(
    logout: Logout, store: FakeSessions, users: Any, clock: Any
) -> None:
    cookie = await signed_in_as("ada", store, users, clock)

    outcome = await end_session(
        logout,
        LogoutAsked(id_token_hint="ada", post_logout_redirect_uri=HOME, state="s1"),
        cookie,
    )

    assert outcome == SignedOut(f"{HOME}?state=s1", forget_cookie=True)
    assert not await is_signed_in(cookie, store, users, clock)


async def test_without_an_id_token_the_user_is_asked_and_stays_signed_in(
    logout: Logout, store: FakeSessions, users: Any, clock: Any
) -> None:
    cookie = await signed_in_as("ada", store, users, clock)

    outcome = await end_session(
        logout,
        LogoutAsked(client_id="storefront", post_logout_redirect_uri=HOME, state="s1"),
        cookie,
    )

    assert isinstance(outcome, ConfirmationNeeded)
    assert outcome.email == "ada@example.com"
    assert outcome.request.client_id == "storefront"
    assert outcome.request.post_logout_redirect_uri == HOME
    assert outcome.request.state == "s1"
    assert await is_signed_in(cookie, store, users, clock)


async def test_an_id_token_of_another_user_only_asks(
    logout: Logout, store: FakeSessions, users: Any, clock: Any
) -> None:
    cookie = await signed_in_as("ada", store, users, clock)

    outcome = await end_session(logout, LogoutAsked(id_token_hint="bob"), cookie)

    assert isinstance(outcome, ConfirmationNeeded)
    assert outcome.request.hint is None
    assert outcome.request.client_id == "storefront"
    assert await is_signed_in(cookie, store, users, clock)


async def test_the_confirmation_with_the_sessions_form_token_ends_the_session(
    logout: Logout, store: FakeSessions, users: Any, clock: Any
) -> None:
    cookie = await signed_in_as("ada", store, users, clock)
    asked = LogoutAsked(client_id="storefront", post_logout_redirect_uri=HOME, state="s1")
    confirmation = await end_session(logout, asked, cookie)
    assert isinstance(confirmation, ConfirmationNeeded)

    outcome = await end_session(
        logout,
        LogoutAsked(
            client_id="storefront",
            post_logout_redirect_uri=HOME,
            state="s1",
            confirmation_token=confirmation.session.csrf_token,
        ),
        cookie,
    )

    assert outcome == SignedOut(f"{HOME}?state=s1", forget_cookie=True)
    assert not await is_signed_in(cookie, store, users, clock)


@pytest.mark.parametrize("token", ["", "not-the-token"])
async def test_a_confirmation_with_another_token_is_refused_and_ends_nothing(
    logout: Logout, store: FakeSessions, users: Any, clock: Any, token: str
) -> None:
    cookie = await signed_in_as("ada", store, users, clock)

    with pytest.raises(FormTokenMismatchError):
        await end_session(logout, LogoutAsked(confirmation_token=token), cookie)

    assert await is_signed_in(cookie, store, users, clock)


async def test_with_nobody_signed_in_there_is_nothing_to_ask(logout: Logout) -> None:
    outcome = await end_session(
        logout, LogoutAsked(client_id="storefront", post_logout_redirect_uri=HOME), None
    )

    assert outcome == SignedOut(HOME, forget_cookie=True)


async def test_an_anonymous_session_and_its_form_token_are_kept(
    logout: Logout, store: FakeSessions, clock: Any
) -> None:
    anonymous = await sessions.open_anonymous(store, clock)

    outcome = await end_session(logout, LogoutAsked(), anonymous.cookie_value)

    assert outcome == SignedOut(None, forget_cookie=False)
    assert await sessions.session_of(store, clock, anonymous.cookie_value) == anonymous.session


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        (LogoutAsked(id_token_hint="forged"), "not an ID token this provider signed"),
        (LogoutAsked(client_id="nobody"), "names no client"),
        (LogoutAsked(post_logout_redirect_uri=HOME), "needs a client_id"),
        (
            LogoutAsked(client_id="storefront", post_logout_redirect_uri="https://evil.example/"),
            "not registered",
        ),
    ],
    ids=["forged-hint", "unknown-client", "redirect-without-client", "unregistered-redirect"],
)
async def test_an_untrustworthy_request_is_refused_before_any_session_is_touched(
    logout: Logout,
    store: FakeSessions,
    users: Any,
    clock: Any,
    asked: LogoutAsked,
    message: str,
) -> None:
    cookie = await signed_in_as("ada", store, users, clock)

    with pytest.raises(InvalidLogoutRequestError, match=message):
        await end_session(logout, asked, cookie)

    assert await is_signed_in(cookie, store, users, clock)
