"""In-memory stand-ins for the sign-in ports, for the use-case tests."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from gateway.auth.domain import PendingSignIn, Session, Tokens, User
from gateway.auth.errors import RefreshRefusedError


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class MemoryStore:
    clock: Clock
    sessions: dict[str, tuple[Session, float]] = field(default_factory=dict)
    pending: dict[str, tuple[PendingSignIn, float]] = field(default_factory=dict)
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def session(self, key: str) -> Session | None:
        kept = self.sessions.get(key)
        return kept[0] if kept and kept[1] > self.clock() else None

    async def save_session(self, key: str, session: Session, expires_at: float) -> None:
        self.sessions[key] = (session, expires_at)

    async def delete_session(self, key: str) -> None:
        self.sessions.pop(key, None)

    async def save_pending(self, key: str, pending: PendingSignIn, expires_at: float) -> None:
        self.pending[key] = (pending, expires_at)

    async def take_pending(self, key: str) -> PendingSignIn | None:
        kept = self.pending.pop(key, None)
        return kept[0] if kept and kept[1] > self.clock() else None

    def refresh_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        return _held(self.locks.setdefault(key, asyncio.Lock()))

    async def ping(self) -> None:
        return None


@asynccontextmanager
async def _held(lock: asyncio.Lock) -> AsyncIterator[None]:
    async with lock:
        yield


USER = User(subject="customer-1", email="customer@example.com", roles=("customer",))


@dataclass
class FakeIssuer:
    """Issues numbered tokens; refresh tokens rotate, and a used or revoked one is refused."""

    clock: Clock
    lifetime: float = 300.0
    issued: int = 0
    live_refresh_tokens: set[str] = field(default_factory=set)
    refreshes: int = 0
    revoked: list[str] = field(default_factory=list)
    redeemed: list[tuple[str, str]] = field(default_factory=list)

    def _tokens(self) -> Tokens:
        self.issued += 1
        refresh = f"refresh-{self.issued}"
        self.live_refresh_tokens.add(refresh)
        return Tokens(
            access_token=f"access-{self.issued}",
            expires_at=self.clock() + self.lifetime,
            refresh_token=refresh,
            id_token=f"id-{self.issued}",
        )

    async def authorization_url(
        self, pending: PendingSignIn, redirect_uri: str, *, sign_up: bool
    ) -> str:
        prompt = "&prompt=create" if sign_up else ""
        return f"https://issuer.example/authorize?state={pending.state}{prompt}"

    async def redeem(self, code: str, pending: PendingSignIn, redirect_uri: str) -> Tokens:
        self.redeemed.append((code, pending.code_verifier))
        return self._tokens()

    async def user_of(self, tokens: Tokens, nonce: str) -> User:
        return USER

    async def refresh(self, refresh_token: str) -> Tokens:
        self.refreshes += 1
        # A real round trip: lets concurrent callers interleave here.
        await asyncio.sleep(0.01)
        if refresh_token not in self.live_refresh_tokens:
            raise RefreshRefusedError()
        self.live_refresh_tokens.discard(refresh_token)
        return self._tokens()

    async def revoke(self, refresh_token: str) -> None:
        self.revoked.append(refresh_token)
        self.live_refresh_tokens.discard(refresh_token)

    async def end_session_url(self, id_token: str | None, post_logout_redirect_uri: str) -> str:
        return f"https://issuer.example/logout?id_token_hint={id_token}"
