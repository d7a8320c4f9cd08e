"""The sign-in use cases: start, complete, use and end a browser's session."""

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from gateway.auth.cookies import CookiePolicy
from gateway.auth.domain import (
    Lifetimes,
    PendingSignIn,
    RefreshOutcome,
    Session,
    SignInOutcome,
    new_secret,
    same_secret,
    storage_key,
)
from gateway.auth.errors import (
    IdentityProviderUnavailableError,
    RefreshRefusedError,
    SessionExpiredError,
    SignInFailedError,
)
from gateway.auth.ports import IdentityProvider, SessionEvents, SessionStore

logger = logging.getLogger(__name__)

# RFC 6749 section 4.1.2.1: error codes are ASCII without quotes or backslashes; anything
# else in the parameter is not quoted back.
OAUTH_ERROR_CODE = re.compile(r"[a-z_]{1,64}")


@dataclass(frozen=True)
class StartedSignIn:
    authorization_url: str
    sign_in_cookie: str


@dataclass(frozen=True)
class OpenedSession:
    session_cookie: str
    return_to: str


@dataclass(frozen=True)
class Callback:
    """What the issuer sent the browser back with."""

    code: str | None
    state: str | None
    error: str | None


class Accounts:
    """Sessions kept in `store`, for users the `provider` signs in."""

    def __init__(
        self,
        store: SessionStore,
        provider: IdentityProvider,
        cookies: CookiePolicy,
        events: SessionEvents,
        *,
        lifetimes: Lifetimes,
        redirect_uri: str,
        post_logout_redirect_uri: str,
        sign_in_timeout_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cookies = cookies
        self.events = events
        self.lifetimes = lifetimes
        self.sign_in_timeout_seconds = sign_in_timeout_seconds
        self._store = store
        self._provider = provider
        self._redirect_uri = redirect_uri
        self._post_logout_redirect_uri = post_logout_redirect_uri
        self._clock = clock

    async def start_sign_in(self, return_to: str | None, *, sign_up: bool) -> StartedSignIn:
        """Where to send the browser, and the login cookie that binds the answer to it."""
        pending = PendingSignIn.start(return_to)
        url = await self._provider.authorization_url(pending, self._redirect_uri, sign_up=sign_up)
        cookie = new_secret()
        expires_at = self._clock() + self.sign_in_timeout_seconds
        await self._store.save_pending(storage_key(cookie), pending, expires_at)
        return StartedSignIn(url, cookie)

    async def complete_sign_in(
        self, sign_in_cookie: str | None, callback: Callback, previous_session: str | None
    ) -> OpenedSession:
        """A new session for the user the issuer signed in, under a new id (a session id
        planted before sign-in never becomes a signed-in one)."""
        try:
            opened = await self._open_session(sign_in_cookie, callback, previous_session)
        except SignInFailedError:
            self.events.sign_in_ended(SignInOutcome.FAILED)
            raise
        self.events.sign_in_ended(SignInOutcome.COMPLETED)
        return opened

    async def _open_session(
        self, sign_in_cookie: str | None, callback: Callback, previous_session: str | None
    ) -> OpenedSession:
        pending = None
        if sign_in_cookie is not None:
            pending = await self._store.take_pending(storage_key(sign_in_cookie))
        if pending is None:
            raise SignInFailedError(
                "This browser has no sign-in in progress, or it took too long: sign in again."
            )
        if not same_secret(callback.state, pending.state):
            raise SignInFailedError("The answer is not for the sign-in this browser started.")
        if callback.error is not None:
            code = callback.error if OAUTH_ERROR_CODE.fullmatch(callback.error) else "an error"
            raise SignInFailedError(f"The sign-in service answered {code}.")
        if not callback.code:
            raise SignInFailedError("The sign-in service sent no authorization code.")
        tokens = await self._provider.redeem(callback.code, pending, self._redirect_uri)
        user = await self._provider.user_of(tokens, pending.nonce)
        if previous_session is not None:
            await self._store.delete_session(storage_key(previous_session))
        session = Session.open(user, tokens, self._clock())
        session_cookie = new_secret()
        await self._save(storage_key(session_cookie), session)
        logger.info("signed in", extra={"subject": user.subject})
        return OpenedSession(session_cookie, pending.return_to)

    async def session(self, session_cookie: str) -> Session:
        """The open session of `session_cookie`, its access token fresh.

        SessionExpiredError when there is none: unknown, ended, or refused at refresh.
        """
        key = storage_key(session_cookie)
        session = await self._open(key)
        now = self._clock()
        if session.needs_refresh(now, self.lifetimes):
            return await self._refreshed(key, session)
        if session.needs_touch(now):
            session = session.touched(now)
            await self._save(key, session)
        return session

    async def sign_out(self, session: Session | None, session_cookie: str | None) -> str:
        """End the session here and its refresh token at the issuer; where the browser goes
        next to end its session at the issuer too."""
        if session_cookie is not None:
            await self._store.delete_session(storage_key(session_cookie))
        if session is not None and session.refresh_token is not None:
            try:
                await self._provider.revoke(session.refresh_token)
            except IdentityProviderUnavailableError:
                # The session is gone here; its refresh token lapses at its own expiry.
                logger.warning("refresh token not revoked: the issuer is unreachable")
        if session is not None:
            logger.info("signed out", extra={"subject": session.user.subject})
        try:
            return await self._provider.end_session_url(
                session.id_token if session else None, self._post_logout_redirect_uri
            )
        except IdentityProviderUnavailableError:
            return self._post_logout_redirect_uri

    async def _open(self, key: str) -> Session:
        session = await self._store.session(key)
        if session is None or session.ended(self._clock(), self.lifetimes):
            if session is not None:
                await self._store.delete_session(key)
            raise SessionExpiredError(self.cookies.clear_session())
        return session

    async def _refreshed(self, key: str, session: Session) -> Session:
        if session.refresh_token is None:
            return self._still_valid(session)
        async with self._store.refresh_lock(key):
            # Another request may have refreshed it while this one waited for the lock.
            current = await self._open(key)
            now = self._clock()
            if not current.needs_refresh(now, self.lifetimes):
                return current
            assert current.refresh_token is not None
            try:
                tokens = await self._provider.refresh(current.refresh_token)
            except RefreshRefusedError:
                self.events.refresh_ended(RefreshOutcome.REFUSED)
                await self._store.delete_session(key)
                logger.info(
                    "session ended: refresh refused", extra={"subject": session.user.subject}
                )
                raise SessionExpiredError(self.cookies.clear_session()) from None
            except IdentityProviderUnavailableError:
                self.events.refresh_ended(RefreshOutcome.UNAVAILABLE)
                if now < current.access_expires_at:
                    return current
                raise
            self.events.refresh_ended(RefreshOutcome.REFRESHED)
            refreshed = current.refreshed(tokens, now)
            await self._save(key, refreshed)
            return refreshed

    def _still_valid(self, session: Session) -> Session:
        if self._clock() < session.access_expires_at:
            return session
        raise SessionExpiredError(self.cookies.clear_session())

    async def _save(self, key: str, session: Session) -> None:
        await self._store.save_session(key, session, session.ends_at(self.lifetimes))
