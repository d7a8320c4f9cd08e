"""A burst of sign-ins queues for the argon2 hasher instead of holding 64 MiB per request."""

import asyncio
import threading
import time

from argon2 import PasswordHasher

from identity_service.adapters.passwords import CONCURRENT_HASHES, Argon2Passwords


class CountingHasher(PasswordHasher):
    """Records how many hashes run at once; each takes a little while, as argon2 does."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self._lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(0.02)
            return super().hash(password, salt=salt)
        finally:
            with self._lock:
                self.running -= 1


async def test_at_most_a_few_passwords_are_hashed_at_once() -> None:
    hasher = CountingHasher()
    passwords = Argon2Passwords(hasher)

    await asyncio.gather(*(passwords.hash(f"password-{n}") for n in range(4 * CONCURRENT_HASHES)))

    assert hasher.most_at_once == CONCURRENT_HASHES
