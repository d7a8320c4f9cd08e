"""The default session store: one SQLite file, enough for one gateway process."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from weakref import WeakValueDictionary

import aiosqlite

from gateway.auth.adapters.records import decode_pending, decode_session, encode
from gateway.auth.domain import PendingSignIn, Session

SCHEMA = """
CREATE TABLE IF NOT EXISTS gateway_records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    record BLOB NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (kind, key)
)
"""
SESSION = "session"
PENDING = "pending"


def sqlite_path(url: str) -> Path:
    """The file of ``sqlite:///path`` or ``sqlite+aiosqlite:///path``."""
    for prefix in ("sqlite+aiosqlite:///", "sqlite:///"):
        if url.startswith(prefix):
            return Path(url.removeprefix(prefix))
    raise ValueError(f"not a SQLite URL: {url.split('://')[0]}://...")


class SqliteSessionStore:
    """Records in one table, each with its expiry; expired rows are never returned and are
    swept whenever a session starts."""

    def __init__(self, connection: aiosqlite.Connection, clock: Callable[[], float]) -> None:
        self._db = connection
        self._clock = clock
        # One process owns the file, so an in-process lock is the whole refresh lock.
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    async def session(self, key: str) -> Session | None:
        raw = await self._get(SESSION, key)
        return None if raw is None else decode_session(raw)

    async def save_session(self, key: str, session: Session, expires_at: float) -> None:
        await self._put(SESSION, key, encode(session), expires_at)

    async def delete_session(self, key: str) -> None:
        await self._db.execute(
            "DELETE FROM gateway_records WHERE kind = ? AND key = ?", (SESSION, key)
        )
        await self._db.commit()

    async def save_pending(self, key: str, pending: PendingSignIn, expires_at: float) -> None:
        await self._db.execute(
            "DELETE FROM gateway_records WHERE expires_at <= ?", (self._clock(),)
        )
        await self._put(PENDING, key, encode(pending), expires_at)

    async def take_pending(self, key: str) -> PendingSignIn | None:
        async with self._db.execute(
            "DELETE FROM gateway_records WHERE kind = ? AND key = ? RETURNING record, expires_at",
            (PENDING, key),
        ) as cursor:
            row = await cursor.fetchone()
        await self._db.commit()
        if row is None or row[1] <= self._clock():
            return None
        return decode_pending(row[0])

    def refresh_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return _held(lock)

    async def ping(self) -> None:
        await self._db.execute("SELECT 1")

    async def _get(self, kind: str, key: str) -> bytes | None:
        async with self._db.execute(
            "SELECT record FROM gateway_records WHERE kind = ? AND key = ? AND expires_at > ?",
            (kind, key, self._clock()),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else bytes(row[0])

    async def _put(self, kind: str, key: str, record: bytes, expires_at: float) -> None:
        await self._db.execute(
            "INSERT INTO gateway_records (kind, key, record, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET record = excluded.record, "
            "expires_at = excluded.expires_at",
            (kind, key, record, expires_at),
        )
        await self._db.commit()


@asynccontextmanager
async def _held(lock: asyncio.Lock) -> AsyncIterator[None]:
    async with lock:
        yield


@asynccontextmanager
async def open_sqlite_store(
    url: str, clock: Callable[[], float] = time.time
) -> AsyncIterator[SqliteSessionStore]:
    """The store in the file `url` names, created with its table if missing."""
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file holds refresh tokens: owner-only from its first byte, as the identity
    # service's secrets are (SQLite gives its -wal and -shm files the same mode).
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    async with aiosqlite.connect(path) as connection:
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute(SCHEMA)
        await connection.commit()
        yield SqliteSessionStore(connection, clock)
