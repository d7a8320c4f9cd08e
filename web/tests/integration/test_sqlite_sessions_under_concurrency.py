"""The SQLite session store under a burst of sign-ins, reads and sign-outs at once, from one
gateway and from a second one on the same file (a restart overlapping the old process):
every call completes, none fails with "database is locked"."""

import asyncio
import time
from pathlib import Path

from gateway.auth.adapters.sqlite_store import SqliteSessionStore, open_sqlite_store
from gateway.auth.domain import PendingSignIn, Session, Tokens, User, new_secret

SIGN_INS_PER_STORE = 150


def a_session(now: float) -> Session:
    tokens = Tokens("access", now + 300, "refresh", "id")
    return Session.open(User("subject", "a@example.com", ("customer",)), tokens, now)


async def sign_in_and_out(store: SqliteSessionStore) -> bool:
    key, now = new_secret(), time.time()
    await store.save_pending(key, PendingSignIn.start("/"), now + 60)
    taken = await store.take_pending(key)
    await store.save_session(key, a_session(now), now + 60)
    found = await store.session(key)
    await store.delete_session(key)
    return taken is not None and found is not None and await store.session(key) is None


async def test_concurrent_sign_ins_on_two_stores_sharing_a_file_all_complete(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/sessions.db"
    async with open_sqlite_store(url) as first, open_sqlite_store(url) as second:
        outcomes = await asyncio.gather(
            *(sign_in_and_out(store) for store in (first, second) * SIGN_INS_PER_STORE)
        )

    assert outcomes == [True] * 2 * SIGN_INS_PER_STORE
