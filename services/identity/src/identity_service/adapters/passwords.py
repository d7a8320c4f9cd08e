"""Password hashes with argon2id (argon2-cffi), computed off the event loop."""

import secrets

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Each hash holds 64 MiB while it runs: a burst of sign-ins must queue, not take the pod
# past its memory limit (a few at once keep both cores busy).
CONCURRENT_HASHES = 4


class Argon2Passwords:
    """The PasswordHasher port with argon2-cffi's defaults: argon2id, RFC 9106's
    low-memory profile (64 MiB, 3 passes), about 50 ms a hash on a server core."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # What an unknown email is checked against: the same work as a real account's.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(32))
        self._hashing = anyio.CapacityLimiter(CONCURRENT_HASHES)

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password, limiter=self._hashing)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await anyio.to_thread.run_sync(
            self._verify, password_hash, password, limiter=self._hashing
        )

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            matches = self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return bool(matches) and password_hash is not None
