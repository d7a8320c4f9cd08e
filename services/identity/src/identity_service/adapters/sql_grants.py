"""Authorization codes, refresh tokens and signing keys in SQL.

The codes' and tokens' columns are named as their domain fields, so rows and objects map
whole.
"""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from identity_service.adapters.tables import authorization_codes, refresh_tokens, signing_keys
from identity_service.domain import (
    AuthorizationCode,
    RefreshToken,
    RefreshTokenStatus,
    SigningKey,
)


class SqlAuthorizationCodeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, code: AuthorizationCode) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(insert(authorization_codes).values(**asdict(code)))

    async def get(self, code_digest: str) -> AuthorizationCode | None:
        query = select(authorization_codes).where(authorization_codes.c.code_digest == code_digest)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return AuthorizationCode(**row._mapping)

    async def mark_redeemed(self, code_digest: str) -> bool:
        statement = (
            update(authorization_codes)
            .where(
                authorization_codes.c.code_digest == code_digest,
                authorization_codes.c.redeemed.is_(False),
            )
            .values(redeemed=True)
        )
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).rowcount == 1

    async def nonce_used(self, client_id: str, nonce: str) -> bool:
        query = select(
            exists().where(
                authorization_codes.c.client_id == client_id, authorization_codes.c.nonce == nonce
            )
        )
        async with self._engine.connect() as connection:
            return bool(await connection.scalar(query))

    async def purge_expired(self, before: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(authorization_codes).where(authorization_codes.c.expires_at <= before)
            )


class SqlRefreshTokenStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, token: RefreshToken) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(refresh_tokens).values(**asdict(token) | {"status": token.status.value})
            )

    async def get(self, token_digest: str) -> RefreshToken | None:
        query = select(refresh_tokens).where(refresh_tokens.c.token_digest == token_digest)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return RefreshToken(**{**row._mapping, "status": RefreshTokenStatus(row.status)})

    async def change_status(
        self, token_digest: str, was: RefreshTokenStatus, becomes: RefreshTokenStatus
    ) -> bool:
        statement = (
            update(refresh_tokens)
            .where(
                refresh_tokens.c.token_digest == token_digest, refresh_tokens.c.status == was.value
            )
            .values(status=becomes.value)
        )
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).rowcount == 1

    async def revoke_family(self, family_id: str) -> int:
        statement = (
            update(refresh_tokens)
            .where(
                refresh_tokens.c.family_id == family_id,
                refresh_tokens.c.status != RefreshTokenStatus.REVOKED.value,
            )
            .values(status=RefreshTokenStatus.REVOKED.value)
        )
        async with self._engine.begin() as connection:
            return int((await connection.execute(statement)).rowcount)

    async def purge_expired(self, before: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(refresh_tokens).where(refresh_tokens.c.expires_at <= before)
            )


class SqlSigningKeyStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def all(self) -> list[SigningKey]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(select(signing_keys))
            return [
                SigningKey(row.kid, row.private_jwk, row.created_at, row.retired_at) for row in rows
            ]

    async def add(self, key: SigningKey) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                insert(signing_keys).values(
                    kid=key.kid,
                    private_jwk=key.private_jwk,
                    created_at=key.created_at,
                    retired_at=key.retired_at,
                )
            )

    async def retire(self, kid: str, at: datetime) -> None:
        statement = (
            update(signing_keys)
            .where(signing_keys.c.kid == kid, signing_keys.c.retired_at.is_(None))
            .values(retired_at=at)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def delete(self, kids: Sequence[str]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(signing_keys).where(signing_keys.c.kid.in_(kids)))
