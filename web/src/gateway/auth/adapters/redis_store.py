"""The production session store: Redis, shared by every gateway replica."""

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import redis.asyncio as redis

from gateway.auth.adapters.records import decode_pending, decode_session, encode
from gateway.auth.domain import PendingSignIn, Session

PREFIX = "shopstack:gateway:"
# Long enough for a token request (the OIDC client's timeout), short enough that a replica
# that died holding it frees the session soon.
LOCK_SECONDS = 10.0
LOCK_WAIT_SECONDS = 10.0


class RedisSessionStore:
    """Records under ``shopstack:gateway:<kind>:<key>``, expiring with Redis' own TTL."""

    def __init__(self, client: redis.Redis, clock: Callable[[], float]) -> None:
        self._redis = client
        self._clock = clock

    async def session(self, key: str) -> Session | None:
        raw = await self._redis.get(_name("session", key))
        return None if raw is None else decode_session(raw)

    async def save_session(self, key: str, session: Session, expires_at: float) -> None:
        await self._put(_name("session", key), encode(session), expires_at)

    async def delete_session(self, key: str) -> None:
        await self._redis.delete(_name("session", key))

    async def save_pending(self, key: str, pending: PendingSignIn, expires_at: float) -> None:
        await self._put(_name("pending", key), encode(pending), expires_at)

    async def take_pending(self, key: str) -> PendingSignIn | None:
        raw = await self._redis.getdel(_name("pending", key))
        return None if raw is None else decode_pending(raw)

    def refresh_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        # redis-py's lock: SET NX PX with a token, released only by its holder (a Lua check).
        lock = self._redis.lock(
            _name("refresh", key), timeout=LOCK_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS
        )
        return _held(lock)

    async def ping(self) -> None:
        await self._redis.ping()

    async def _put(self, name: str, record: bytes, expires_at: float) -> None:
        milliseconds = max(1, int((expires_at - self._clock()) * 1000))
        await self._redis.set(name, record, px=milliseconds)


def _name(kind: str, key: str) -> str:
    return f"{PREFIX}{kind}:{key}"


@asynccontextmanager
async def _held(lock: "redis.lock.Lock") -> AsyncIterator[None]:
    async with lock:
        yield


@asynccontextmanager
async def open_redis_store(
    url: str, clock: Callable[[], float] = time.time
) -> AsyncIterator[RedisSessionStore]:
    """The store at the Redis server `url` names (``redis://`` or ``rediss://``)."""
    client = redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
    try:
        yield RedisSessionStore(client, clock)
    finally:
        await client.aclose()
