from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from identity_service.domain import EmailTakenError, Role, User
from identity_service.ports import SignInResult


class FakeUsers:
    """In-memory users that keep the store contract (see the integration tests)."""

    def __init__(self) -> None:
        self.by_user_id: dict[str, User] = {}

    async def add(self, user: User) -> None:
        if any(existing.email == user.email for existing in self.by_user_id.values()):
            raise EmailTakenError()
        self.by_user_id[user.user_id] = user

    async def by_email(self, email: str) -> User | None:
        return next((u for u in self.by_user_id.values() if u.email == email), None)

    async def by_id(self, user_id: str) -> User | None:
        return self.by_user_id.get(user_id)

    async def has_admin(self) -> bool:
        return any(Role.ADMIN in user.roles for user in self.by_user_id.values())


class FakePasswords:
    """Hashes are "hashed:<password>"; every verification is recorded, dummy ones as None."""

    def __init__(self) -> None:
        self.verified: list[str | None] = []

    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str | None, password: str) -> bool:
        self.verified.append(password_hash)
        return password_hash == f"hashed:{password}"


class FakeFailureLog:
    def __init__(self) -> None:
        self.failures: list[tuple[str, datetime]] = []

    async def record(self, keys: Sequence[str], at: datetime) -> None:
        self.failures.extend((key, at) for key in keys)

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        return [at for k, at in self.failures if k == key and at > since]

    async def clear(self, key: str) -> None:
        self.failures = [(k, at) for k, at in self.failures if k != key]

    async def purge(self, before: datetime) -> None:
        self.failures = [(k, at) for k, at in self.failures if at > before]


class RecordingOutcomes:
    def __init__(self) -> None:
        self.results: list[SignInResult] = []

    def sign_in_ended(self, result: SignInResult) -> None:
        self.results.append(result)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def users() -> FakeUsers:
    return FakeUsers()


@pytest.fixture
def passwords() -> FakePasswords:
    return FakePasswords()


@pytest.fixture
def failures() -> FakeFailureLog:
    return FakeFailureLog()


@pytest.fixture
def outcomes() -> RecordingOutcomes:
    return RecordingOutcomes()


@pytest.fixture
def clock() -> Clock:
    return Clock()
