"""Sessions and sign-ins in progress: what they hold and when they end. No I/O here."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlsplit

SESSION_ID_BYTES = 32
CSRF_TOKEN_BYTES = 32
# RFC 7636 section 4.1: 43 to 128 characters; 64 random bytes give 86.
CODE_VERIFIER_BYTES = 64
# Writing last-seen on every request would make each read a write; a minute of slack in an
# idle lifetime of minutes changes nothing a user notices.
TOUCH_INTERVAL_SECONDS = 60.0


class SignInOutcome(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"


class RefreshOutcome(StrEnum):
    REFRESHED = "refreshed"
    # The issuer refused the refresh token: the session ended.
    REFUSED = "refused"
    # The issuer could not be reached: the request went on with a still valid token, or 503.
    UNAVAILABLE = "unavailable"


def new_secret(length: int = SESSION_ID_BYTES) -> str:
    """A random, URL-safe value: session ids, CSRF tokens, state, nonce."""
    return secrets.token_urlsafe(length)


def storage_key(cookie_value: str) -> str:
    """Where a cookie's record is kept: its digest, so the store never holds a usable id."""
    return hashlib.sha256(cookie_value.encode()).hexdigest()


def same_secret(sent: str | None, kept: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), kept.encode())


def safe_return_path(requested: str | None) -> str:
    """Where to go after sign-in: a path on this origin, never another site (``//evil``,
    ``/\\evil`` and absolute URLs become ``/``)."""
    if not requested or not requested.startswith("/") or requested.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(requested)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in requested):
        return "/"
    return requested


@dataclass(frozen=True)
class Lifetimes:
    idle_seconds: float
    absolute_seconds: float
    refresh_margin_seconds: float


@dataclass(frozen=True)
class Tokens:
    """What the issuer's token endpoint answered."""

    access_token: str
    expires_at: float
    refresh_token: str | None
    id_token: str | None


@dataclass(frozen=True)
class User:
    subject: str
    email: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PendingSignIn:
    """A sign-in sent to the issuer and not back yet, bound to the browser's login cookie."""

    state: str
    nonce: str
    code_verifier: str
    return_to: str

    @classmethod
    def start(cls, return_to: str | None) -> "PendingSignIn":
        return cls(
            state=new_secret(),
            nonce=new_secret(),
            code_verifier=new_secret(CODE_VERIFIER_BYTES),
            return_to=safe_return_path(return_to),
        )


@dataclass(frozen=True)
class Session:
    """A signed-in browser: its user, its tokens (never sent to it) and its CSRF token."""

    user: User
    csrf_token: str
    access_token: str
    access_expires_at: float
    refresh_token: str | None
    id_token: str | None
    created_at: float
    last_seen_at: float

    @classmethod
    def open(cls, user: User, tokens: Tokens, now: float) -> "Session":
        return cls(
            user=user,
            csrf_token=new_secret(CSRF_TOKEN_BYTES),
            access_token=tokens.access_token,
            access_expires_at=tokens.expires_at,
            refresh_token=tokens.refresh_token,
            id_token=tokens.id_token,
            created_at=now,
            last_seen_at=now,
        )

    def ended(self, now: float, lifetimes: Lifetimes) -> bool:
        """Idle too long, or open too long whatever its use."""
        return (
            now - self.last_seen_at >= lifetimes.idle_seconds
            or now - self.created_at >= lifetimes.absolute_seconds
        )

    def ends_at(self, lifetimes: Lifetimes) -> float:
        return min(
            self.last_seen_at + lifetimes.idle_seconds,
            self.created_at + lifetimes.absolute_seconds,
        )

    def needs_refresh(self, now: float, lifetimes: Lifetimes) -> bool:
        return now >= self.access_expires_at - lifetimes.refresh_margin_seconds

    def can_refresh(self) -> bool:
        return self.refresh_token is not None

    def needs_touch(self, now: float) -> bool:
        return now - self.last_seen_at >= TOUCH_INTERVAL_SECONDS

    def touched(self, now: float) -> "Session":
        return replace(self, last_seen_at=now)

    def refreshed(self, tokens: Tokens, now: float) -> "Session":
        """The session with the new tokens; a refresh token not rotated stays in use."""
        return replace(
            self,
            access_token=tokens.access_token,
            access_expires_at=tokens.expires_at,
            refresh_token=tokens.refresh_token or self.refresh_token,
            id_token=tokens.id_token or self.id_token,
            last_seen_at=now,
        )
