"""What the sign-in use cases need from outside: a store for sessions, and the issuer."""

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from gateway.auth.domain import (
    PendingSignIn,
    RefreshOutcome,
    Session,
    SignInOutcome,
    Tokens,
    User,
)


class SessionStore(Protocol):
    """Sessions and pending sign-ins by storage key (a digest of the cookie), each kept
    until the time given with it and gone after."""

    async def session(self, key: str) -> Session | None: ...

    async def save_session(self, key: str, session: Session, expires_at: float) -> None: ...

    async def delete_session(self, key: str) -> None: ...

    async def save_pending(self, key: str, pending: PendingSignIn, expires_at: float) -> None: ...

    async def take_pending(self, key: str) -> PendingSignIn | None:
        """The pending sign-in, removed in the same step: a callback redeems it once."""
        ...

    def refresh_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held while a session's tokens are refreshed: the issuer rotates refresh tokens
        and treats a second use of one as theft, so two refreshes must never race."""
        ...

    async def ping(self) -> None: ...


class IdentityProvider(Protocol):
    """The OpenID Connect issuer, as the gateway's client of it."""

    async def authorization_url(
        self, pending: PendingSignIn, redirect_uri: str, *, sign_up: bool
    ) -> str: ...

    async def redeem(self, code: str, pending: PendingSignIn, redirect_uri: str) -> Tokens: ...

    async def user_of(self, tokens: Tokens, nonce: str) -> User:
        """The user the verified ID token of `tokens` names, issued for this sign-in."""
        ...

    async def refresh(self, refresh_token: str) -> Tokens:
        """New tokens; SignInExpiredError when the issuer refuses the refresh token."""
        ...

    async def revoke(self, refresh_token: str) -> None: ...

    async def end_session_url(self, id_token: str | None, post_logout_redirect_uri: str) -> str:
        """Where the browser goes to end its session at the issuer (RP-initiated logout),
        or `post_logout_redirect_uri` when the issuer publishes no end-session endpoint."""
        ...


class SessionEvents(Protocol):
    """What sign-in counts, for the gateway's metrics."""

    def sign_in_ended(self, outcome: SignInOutcome) -> None: ...

    def refresh_ended(self, outcome: RefreshOutcome) -> None: ...

    def forgery_refused(self) -> None: ...
