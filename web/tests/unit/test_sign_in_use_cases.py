"""The sign-in use cases with in-memory ports: what a browser's session may and may not do."""

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
from prometheus_client import CollectorRegistry

from gateway.auth.adapters.metrics import SessionMetrics
from gateway.auth.cookies import CookiePolicy
from gateway.auth.domain import Lifetimes, storage_key
from gateway.auth.errors import SessionExpiredError, SignInFailedError
from gateway.auth.service import Accounts, Callback, OpenedSession

from .fakes import Clock, FakeIssuer, MemoryStore

LIFETIMES = Lifetimes(idle_seconds=1800, absolute_seconds=8 * 3600, refresh_margin_seconds=30)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> MemoryStore:
    return MemoryStore(clock)


@pytest.fixture
def issuer(clock: Clock) -> FakeIssuer:
    return FakeIssuer(clock)


@pytest.fixture
def accounts(store: MemoryStore, issuer: FakeIssuer, clock: Clock) -> Accounts:
    return Accounts(
        store,
        issuer,
        CookiePolicy(https=False),
        SessionMetrics(CollectorRegistry()),
        lifetimes=LIFETIMES,
        redirect_uri="http://shop.test/auth/callback",
        post_logout_redirect_uri="http://shop.test/",
        sign_in_timeout_seconds=600,
        clock=clock,
    )


async def signed_in(accounts: Accounts, previous: str | None = None) -> OpenedSession:
    started = await accounts.start_sign_in("/orders", sign_up=False)
    state = parse_qs(urlsplit(started.authorization_url).query)["state"][0]
    return await accounts.complete_sign_in(
        started.sign_in_cookie, Callback(code="code-1", state=state, error=None), previous
    )


async def test_a_completed_sign_in_opens_a_session_and_returns_where_it_started(
    accounts: Accounts, store: MemoryStore
) -> None:
    opened = await signed_in(accounts)

    session = await accounts.session(opened.session_cookie)
    assert opened.return_to == "/orders"
    assert session.user.subject == "customer-1"
    assert session.access_token == "access-1"
    # Kept under the cookie's digest: the store holds no usable session id.
    assert list(store.sessions) == [storage_key(opened.session_cookie)]


async def test_a_callback_without_this_browsers_login_cookie_is_refused(
    accounts: Accounts,
) -> None:
    started = await accounts.start_sign_in("/", sign_up=False)
    state = parse_qs(urlsplit(started.authorization_url).query)["state"][0]

    with pytest.raises(SignInFailedError):
        await accounts.complete_sign_in(None, Callback("code", state, None), None)


async def test_a_callback_with_another_state_is_refused(accounts: Accounts) -> None:
    started = await accounts.start_sign_in("/", sign_up=False)

    with pytest.raises(SignInFailedError):
        await accounts.complete_sign_in(
            started.sign_in_cookie, Callback("code", "forged-state", None), None
        )


async def test_a_callback_is_redeemed_once(accounts: Accounts) -> None:
    started = await accounts.start_sign_in("/", sign_up=False)
    state = parse_qs(urlsplit(started.authorization_url).query)["state"][0]
    callback = Callback("code", state, None)
    await accounts.complete_sign_in(started.sign_in_cookie, callback, None)

    with pytest.raises(SignInFailedError):
        await accounts.complete_sign_in(started.sign_in_cookie, callback, None)


async def test_a_sign_in_left_too_long_is_refused(accounts: Accounts, clock: Clock) -> None:
    started = await accounts.start_sign_in("/", sign_up=False)
    state = parse_qs(urlsplit(started.authorization_url).query)["state"][0]
    clock.now += 601

    with pytest.raises(SignInFailedError):
        await accounts.complete_sign_in(started.sign_in_cookie, Callback("c", state, None), None)


async def test_an_error_from_the_issuer_is_named_but_never_echoed_verbatim(
    accounts: Accounts,
) -> None:
    started = await accounts.start_sign_in("/", sign_up=False)
    state = parse_qs(urlsplit(started.authorization_url).query)["state"][0]

    with pytest.raises(SignInFailedError, match="an error") as refused:
        await accounts.complete_sign_in(
            started.sign_in_cookie, Callback(None, state, "<script>alert(1)</script>"), None
        )
    assert "<script>" not in str(refused.value)


async def test_sign_in_gives_a_new_session_id_and_ends_the_one_planted_before(
    accounts: Accounts,
) -> None:
    first = await signed_in(accounts)

    second = await signed_in(accounts, previous=first.session_cookie)

    assert second.session_cookie != first.session_cookie
    with pytest.raises(SessionExpiredError):
        await accounts.session(first.session_cookie)


async def test_a_session_idle_too_long_ends(accounts: Accounts, clock: Clock) -> None:
    opened = await signed_in(accounts)
    clock.now += LIFETIMES.idle_seconds + 1

    with pytest.raises(SessionExpiredError):
        await accounts.session(opened.session_cookie)


async def test_a_session_in_use_ends_at_its_absolute_lifetime(
    accounts: Accounts, clock: Clock
) -> None:
    opened = await signed_in(accounts)
    for _ in range(int(LIFETIMES.absolute_seconds // 600) - 1):
        clock.now += 600
        await accounts.session(opened.session_cookie)
    clock.now += 600

    with pytest.raises(SessionExpiredError):
        await accounts.session(opened.session_cookie)


async def test_an_access_token_about_to_expire_is_refreshed_first(
    accounts: Accounts, clock: Clock, issuer: FakeIssuer
) -> None:
    opened = await signed_in(accounts)
    clock.now += issuer.lifetime - 10

    session = await accounts.session(opened.session_cookie)

    assert session.access_token == "access-2"
    assert session.refresh_token == "refresh-2"


async def test_concurrent_requests_refresh_a_session_once(
    accounts: Accounts, clock: Clock, issuer: FakeIssuer
) -> None:
    opened = await signed_in(accounts)
    clock.now += issuer.lifetime

    sessions = await asyncio.gather(*(accounts.session(opened.session_cookie) for _ in range(5)))

    # A second refresh with the rotated token would look like theft to the issuer.
    assert issuer.refreshes == 1
    assert {session.access_token for session in sessions} == {"access-2"}


async def test_a_refused_refresh_ends_the_session(
    accounts: Accounts, clock: Clock, issuer: FakeIssuer
) -> None:
    opened = await signed_in(accounts)
    issuer.live_refresh_tokens.clear()
    clock.now += issuer.lifetime

    with pytest.raises(SessionExpiredError) as ended:
        await accounts.session(opened.session_cookie)
    assert "Max-Age=0" in ended.value.clear_cookie
    with pytest.raises(SessionExpiredError):
        await accounts.session(opened.session_cookie)


async def test_sign_out_revokes_the_refresh_token_and_ends_the_session(
    accounts: Accounts, issuer: FakeIssuer
) -> None:
    opened = await signed_in(accounts)
    session = await accounts.session(opened.session_cookie)

    redirect = await accounts.sign_out(session, opened.session_cookie)

    assert issuer.revoked == ["refresh-1"]
    assert redirect == "https://issuer.example/logout?id_token_hint=id-1"
    with pytest.raises(SessionExpiredError):
        await accounts.session(opened.session_cookie)
