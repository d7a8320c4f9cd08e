"""What the identity use cases need: stores, password hashing, keys, the OAuth protocol."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from identity_service.domain import (
    AuthorizationCode,
    Client,
    IdTokenHint,
    KeyRing,
    LoginSession,
    RefreshToken,
    RefreshTokenStatus,
    SignedIn,
    SigningKey,
    User,
)

Clock = Callable[[], datetime]
"""The current time, timezone-aware UTC."""


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Store a new user; EmailTakenError when the email has an account already."""

    async def by_email(self, email: str) -> User | None: ...

    async def by_id(self, user_id: str) -> User | None: ...

    async def has_admin(self) -> bool: ...


class AuthorizationCodeStore(Protocol):
    async def add(self, code: AuthorizationCode) -> None: ...

    async def get(self, code_digest: str) -> AuthorizationCode | None: ...

    async def mark_redeemed(self, code_digest: str) -> bool:
        """Redeem the code once: True for the one caller that turned it from unredeemed."""

    async def nonce_used(self, client_id: str, nonce: str) -> bool: ...

    async def purge_expired(self, before: datetime) -> None: ...


class RefreshTokenStore(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def get(self, token_digest: str) -> RefreshToken | None: ...

    async def change_status(
        self, token_digest: str, was: RefreshTokenStatus, becomes: RefreshTokenStatus
    ) -> bool:
        """Compare-and-set: True when the token was `was` and is now `becomes`."""

    async def revoke_family(self, family_id: str) -> int:
        """Revoke every token of the family; how many were not revoked before."""

    async def purge_expired(self, before: datetime) -> None: ...


class SigningKeyStore(Protocol):
    async def all(self) -> list[SigningKey]: ...

    async def add(self, key: SigningKey) -> None: ...

    async def retire(self, kid: str, at: datetime) -> None: ...

    async def delete(self, kids: Sequence[str]) -> None: ...


class SessionStore(Protocol):
    async def add(self, session: LoginSession) -> None: ...

    async def get(self, session_digest: str) -> LoginSession | None: ...

    async def delete(self, session_digest: str) -> None: ...

    async def purge_expired(self, now: datetime) -> None: ...


class SignInFailureLog(Protocol):
    async def record(self, keys: Sequence[str], at: datetime) -> None: ...

    async def failures_since(self, key: str, since: datetime) -> list[datetime]: ...

    async def clear(self, key: str) -> None: ...

    async def purge(self, before: datetime) -> None: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; with no hash (an unknown email) it costs the same
        time as a real check and answers False."""


class KeyFactory(Protocol):
    def new_signing_key(self, now: datetime) -> SigningKey: ...


class SecretFile(Protocol):
    """A file a secret is handed over in, readable by its owner only."""

    @property
    def location(self) -> str: ...

    def read(self) -> str | None:
        """The secret in the file; None when there is no such file."""

    def write(self, secret: str) -> None:
        """Make the file hold `secret` (created, or replaced as a whole)."""


class ClientRegistry(Protocol):
    def get(self, client_id: str) -> Client | None: ...


class IdTokenHints(Protocol):
    async def verify(self, id_token: str) -> IdTokenHint:
        """The ID token as a logout hint, if this provider signed it (with a key it still
        publishes) as its issuer, expired or not; InvalidLogoutRequestError otherwise."""


class SignInResult(StrEnum):
    OK = "ok"
    FAILED = "failed"
    THROTTLED = "throttled"


class SignInOutcomes(Protocol):
    def sign_in_ended(self, result: SignInResult) -> None: ...


class TokenOutcomes(Protocol):
    def token_issued(self, grant_type: str) -> None: ...

    def refresh_token_reused(self) -> None: ...


@dataclass(frozen=True)
class CodeDetails:
    """What an authorization request asked for, kept with the code it gets."""

    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None


class TokenLedger(Protocol):
    """What the OAuth protocol asks of the identity service while it answers a request."""

    def client(self, client_id: str) -> Client | None: ...

    async def user(self, user_id: str) -> User | None: ...

    async def record_authorization_code(
        self, code: str, client: Client, signed_in: SignedIn, details: CodeDetails
    ) -> None: ...

    async def redeem_authorization_code(
        self, code: str, client: Client
    ) -> AuthorizationCode | None:
        """The code's grant, once; None when unknown, expired or presented before (then the
        tokens it started are revoked)."""

    async def nonce_used(self, client: Client, nonce: str) -> bool: ...

    async def record_refresh_token(
        self, token: str, family_id: str, client: Client, user_id: str, scope: str
    ) -> None: ...

    async def find_refresh_token(self, token: str, client: Client) -> RefreshToken | None:
        """The token if it can be exchanged; presenting a rotated one revokes its family."""

    async def refresh_token(self, token: str) -> RefreshToken | None:
        """The token in whatever state (to revoke it)."""

    async def rotate_refresh_token(self, token: RefreshToken) -> bool:
        """Mark `token` used; False when another request used it first (its family is then
        revoked)."""

    async def revoke_refresh_token(self, token: RefreshToken) -> None:
        """Revoke the token and every token of its family (RFC 7009 section 2.1)."""

    async def key_ring(self) -> KeyRing: ...

    def token_issued(self, grant_type: str) -> None: ...


@dataclass(frozen=True)
class ProtocolRequest:
    """An HTTP request to an OAuth endpoint, free of any web framework."""

    method: str
    url: str
    """Absolute, on the issuer's origin (whatever Host header the request came with)."""
    headers: Mapping[str, str]
    query: tuple[tuple[str, str], ...] = ()
    form: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ProtocolResponse:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


class AuthorizationProtocol(Protocol):
    """OAuth 2.0 and OpenID Connect: the endpoints' answers, as their RFCs write them."""

    async def authorize(
        self, request: ProtocolRequest, signed_in: SignedIn | None
    ) -> ProtocolResponse | None:
        """The redirect to the client (with a code, or an error the client must see); None
        when the request is valid but the user must sign in first. Raises
        InvalidAuthorizationRequestError when the client's redirect URI cannot be trusted."""

    async def token(self, request: ProtocolRequest) -> ProtocolResponse: ...

    async def revoke(self, request: ProtocolRequest) -> ProtocolResponse: ...

    async def userinfo(self, request: ProtocolRequest) -> ProtocolResponse: ...

    def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0)."""

    async def jwks(self) -> dict[str, Any]:
        """The public keys tokens are verified with."""
