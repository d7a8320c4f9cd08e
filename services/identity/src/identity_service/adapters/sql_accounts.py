"""Users, login sessions and failed sign-ins in SQL: SQLite embedded, MariaDB in production."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from identity_service.adapters.tables import login_sessions, sign_in_failures, user_roles, users
from identity_service.domain import EmailTakenError, LoginSession, Role, User


class SqlUserRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, user: User) -> None:
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(users).values(
                        user_id=user.user_id,
                        email=user.email,
                        password_hash=user.password_hash,
                        created_at=user.created_at,
                    )
                )
                await connection.execute(
                    insert(user_roles),
                    [{"user_id": user.user_id, "role": role.value} for role in sorted(user.roles)],
                )
        except IntegrityError as exc:
            raise EmailTakenError() from exc

    async def by_email(self, email: str) -> User | None:
        return await self._one(users.c.email == email)

    async def by_id(self, user_id: str) -> User | None:
        return await self._one(users.c.user_id == user_id)

    async def has_admin(self) -> bool:
        query = select(exists().where(user_roles.c.role == Role.ADMIN.value))
        async with self._engine.connect() as connection:
            return bool(await connection.scalar(query))

    async def _one(self, condition: object) -> User | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(users).where(condition))).first()  # type: ignore[arg-type]
            if row is None:
                return None
            roles = await connection.scalars(
                select(user_roles.c.role).where(user_roles.c.user_id == row.user_id)
            )
            return User(
                row.user_id,
                row.email,
                row.password_hash,
                frozenset(Role(role) for role in roles),
                row.created_at,
            )


class SqlSessionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, session: LoginSession) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(login_sessions).values(
                    session_digest=session.session_digest,
                    csrf_token=session.csrf_token,
                    user_id=session.user_id,
                    auth_time=session.auth_time,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                )
            )

    async def get(self, session_digest: str) -> LoginSession | None:
        query = select(login_sessions).where(login_sessions.c.session_digest == session_digest)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return _session(row) if row is not None else None

    async def delete(self, session_digest: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(login_sessions).where(login_sessions.c.session_digest == session_digest)
            )

    async def purge_expired(self, now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(login_sessions).where(login_sessions.c.expires_at <= now)
            )


def _session(row: Row[tuple[object, ...]]) -> LoginSession:
    return LoginSession(
        session_digest=row.session_digest,
        csrf_token=row.csrf_token,
        created_at=row.created_at,
        expires_at=row.expires_at,
        user_id=row.user_id,
        auth_time=row.auth_time,
    )


class SqlSignInFailureLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, keys: Sequence[str], at: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(sign_in_failures), [{"throttle_key": key, "failed_at": at} for key in keys]
            )

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        query = select(sign_in_failures.c.failed_at).where(
            sign_in_failures.c.throttle_key == key, sign_in_failures.c.failed_at > since
        )
        async with self._engine.connect() as connection:
            return list(await connection.scalars(query))

    async def clear(self, key: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(sign_in_failures).where(sign_in_failures.c.throttle_key == key)
            )

    async def purge(self, before: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(sign_in_failures).where(sign_in_failures.c.failed_at <= before)
            )
