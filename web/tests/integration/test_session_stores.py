"""Both session stores against the real thing: a SQLite file, and the machine's Redis server
(two store instances stand for two gateway replicas sharing it)."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from gateway.auth.adapters.redis_store import open_redis_store
from gateway.auth.adapters.sqlite_store import open_sqlite_store
from gateway.auth.domain import PendingSignIn, Session, Tokens, User, new_secret
from gateway.auth.ports import SessionStore
from testkit.redis import redis_url

OpenStore = Callable[[], AbstractAsyncContextManager[SessionStore]]


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> OpenStore:
    """Opens a store; every store opened in one test shares its data, as replicas do."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/sessions.db"
        return lambda: open_sqlite_store(url)
    url = redis_url()
    return lambda: open_redis_store(url)


@pytest.fixture
async def store(open_store: OpenStore) -> AsyncIterator[SessionStore]:
    async with open_store() as opened:
        yield opened


def a_session(now: float) -> Session:
    tokens = Tokens("access", now + 300, "refresh", "id")
    return Session.open(User("subject", "a@example.com", ("customer",)), tokens, now)


async def test_a_saved_session_is_read_back_whole(store: SessionStore) -> None:
    key, session = new_secret(), a_session(time.time())
    await store.save_session(key, session, time.time() + 60)

    assert await store.session(key) == session


async def test_a_session_is_gone_after_its_expiry(store: SessionStore) -> None:
    key = new_secret()
    await store.save_session(key, a_session(time.time()), time.time() + 0.2)
    await asyncio.sleep(0.3)

    assert await store.session(key) is None


async def test_a_deleted_session_is_gone(store: SessionStore) -> None:
    key = new_secret()
    await store.save_session(key, a_session(time.time()), time.time() + 60)
    await store.delete_session(key)

    assert await store.session(key) is None


async def test_a_pending_sign_in_is_taken_once_even_by_two_at_a_time(
    open_store: OpenStore,
) -> None:
    key, pending = new_secret(), PendingSignIn.start("/orders")
    async with open_store() as first, open_store() as second:
        await first.save_pending(key, pending, time.time() + 60)

        taken = await asyncio.gather(first.take_pending(key), second.take_pending(key))

    assert sorted(taken, key=lambda found: found is None) == [pending, None]


async def test_an_expired_pending_sign_in_is_not_taken(store: SessionStore) -> None:
    key = new_secret()
    await store.save_pending(key, PendingSignIn.start("/"), time.time() + 0.2)
    await asyncio.sleep(0.3)

    assert await store.take_pending(key) is None


async def most_refreshing_at_once(stores: list[SessionStore], key: str) -> int:
    inside, most_inside = 0, 0

    async def refresh(store: SessionStore) -> None:
        nonlocal inside, most_inside
        async with store.refresh_lock(key):
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(refresh(store) for store in stores * 3))
    return most_inside


async def test_one_refresh_at_a_time_per_session(store: SessionStore) -> None:
    assert await most_refreshing_at_once([store, store], new_secret()) == 1


async def test_one_refresh_at_a_time_per_session_across_redis_replicas() -> None:
    url = redis_url()
    async with open_redis_store(url) as first, open_redis_store(url) as second:
        assert await most_refreshing_at_once([first, second], new_secret()) == 1


async def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    async with open_sqlite_store(f"sqlite+aiosqlite:///{path}") as store:
        await store.ping()

    assert path.stat().st_mode & 0o077 == 0
