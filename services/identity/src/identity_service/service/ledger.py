"""The grants the OAuth protocol hands out and redeems: authorization codes (once each),
refresh tokens (rotated on every use; a replayed one revokes its whole family)."""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from identity_service.domain import (
    AuthorizationCode,
    Client,
    KeyRing,
    RefreshToken,
    SignedIn,
    User,
    digest,
)
from identity_service.ports import (
    AuthorizationCodeStore,
    ClientRegistry,
    Clock,
    CodeDetails,
    RefreshTokenStore,
    SigningKeyStore,
    TokenOutcomes,
    UserRepository,
)
from identity_service.service.keys import key_ring

logger = logging.getLogger(__name__)

REDEEMED_CODES_KEPT = timedelta(hours=1)
"""How long a redeemed code is remembered after it expired, to tell a replay."""


@dataclass(frozen=True)
class GrantLifetimes:
    authorization_code: timedelta
    refresh_token: timedelta
    key_overlap: timedelta


@dataclass(frozen=True)
class Ledger:
    """The TokenLedger port: the identity service's side of each OAuth request."""

    clients: ClientRegistry
    users: UserRepository
    codes: AuthorizationCodeStore
    refresh_tokens: RefreshTokenStore
    keys: SigningKeyStore
    outcomes: TokenOutcomes
    clock: Clock
    lifetimes: GrantLifetimes

    def client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    async def user(self, user_id: str) -> User | None:
        return await self.users.by_id(user_id)

    async def record_authorization_code(
        self, code: str, client: Client, signed_in: SignedIn, details: CodeDetails
    ) -> None:
        now = self.clock()
        await self.codes.purge_expired(now - REDEEMED_CODES_KEPT)
        await self.refresh_tokens.purge_expired(now)
        await self.codes.add(
            AuthorizationCode(
                code_digest=digest(code),
                client_id=client.client_id,
                user_id=signed_in.user.user_id,
                redirect_uri=details.redirect_uri,
                scope=details.scope,
                nonce=details.nonce,
                code_challenge=details.code_challenge,
                code_challenge_method=details.code_challenge_method,
                auth_time=signed_in.auth_time,
                expires_at=now + self.lifetimes.authorization_code,
                family_id=uuid.uuid4().hex,
            )
        )

    async def redeem_authorization_code(
        self, code: str, client: Client
    ) -> AuthorizationCode | None:
        found = await self.codes.get(digest(code))
        if found is None or found.client_id != client.client_id:
            return None
        if found.redeemed or not await self.codes.mark_redeemed(found.code_digest):
            # RFC 6749 section 4.1.2: a code used twice revokes what it was exchanged for.
            await self.refresh_tokens.revoke_family(found.family_id)
            logger.warning(
                "authorization code presented again; the tokens it gave are revoked",
                extra={"client_id": client.client_id},
            )
            return None
        return None if found.is_expired(self.clock()) else found

    async def nonce_used(self, client: Client, nonce: str) -> bool:
        return await self.codes.nonce_used(client.client_id, nonce)

    async def record_refresh_token(
        self, token: str, family_id: str, client: Client, user_id: str, scope: str
    ) -> None:
        now = self.clock()
        await self.refresh_tokens.add(
            RefreshToken(
                token_digest=digest(token),
                family_id=family_id,
                client_id=client.client_id,
                user_id=user_id,
                scope=scope,
                issued_at=now,
                expires_at=now + self.lifetimes.refresh_token,
            )
        )

    async def find_refresh_token(self, token: str, client: Client) -> RefreshToken | None:
        found = await self.refresh_token(token)
        if found is None or found.client_id != client.client_id:
            return None
        if found.is_replay():
            await self._replayed(found)
            return None
        return found if found.redeemable(self.clock()) else None

    async def refresh_token(self, token: str) -> RefreshToken | None:
        return await self.refresh_tokens.get(digest(token))

    async def rotate_refresh_token(self, token: RefreshToken) -> bool:
        rotated = token.rotated()
        if await self.refresh_tokens.change_status(
            token.token_digest, token.status, rotated.status
        ):
            return True
        # Two requests raced with the same token: one of them holds a stolen copy.
        await self._replayed(token)
        return False

    async def revoke_refresh_token(self, token: RefreshToken) -> None:
        await self.refresh_tokens.revoke_family(token.family_id)

    async def key_ring(self) -> KeyRing:
        return await key_ring(self.keys, self.lifetimes.key_overlap)

    def token_issued(self, grant_type: str) -> None:
        self.outcomes.token_issued(grant_type)

    async def _replayed(self, token: RefreshToken) -> None:
        await self.refresh_tokens.revoke_family(token.family_id)
        self.outcomes.refresh_token_reused()
        logger.warning(
            "refresh token presented again; its whole family is revoked",
            extra={"client_id": token.client_id, "user_id": token.user_id},
        )
