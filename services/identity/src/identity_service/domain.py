"""The identity domain: users and their roles, clients, grants, signing keys, sign-in rules."""

import hashlib
import hmac
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

MAX_EMAIL_LENGTH = 254
"""RFC 5321's limit on a forward path, which every mailbox address must fit."""


class Role(StrEnum):
    CUSTOMER = "customer"
    ADMIN = "admin"


def normalise_email(raw: str) -> str:
    """The one spelling of an address: NFKC, trimmed, lower-case; InvalidEmailError if it
    is not one mailbox address."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    local, at, domain = email.rpartition("@")
    if (
        not at
        or not local
        or "." not in domain.strip(".")
        or len(email) > MAX_EMAIL_LENGTH
        or any(character.isspace() or character in '<>()[],;:\\"' for character in email)
    ):
        raise InvalidEmailError("enter one email address, such as name@example.com")
    return email


def digest(secret: str) -> str:
    """The SHA-256 of a random secret (a token, a code, a client secret): what is stored.

    These secrets are long and random, so a fast hash is enough to make a stolen table
    useless; passwords, which are neither, get argon2id instead.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def digest_matches(secret: str, expected_digest: str) -> bool:
    """Whether `secret` hashes to `expected_digest`, compared in constant time."""
    return hmac.compare_digest(digest(secret), expected_digest)


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 12
    max_length: int = 128

    def check(self, password: str) -> None:
        """Raise PasswordTooShortError or PasswordTooLongError unless `password` fits."""
        if len(password) < self.min_length:
            raise PasswordTooShortError(f"the password needs at least {self.min_length} characters")
        if len(password) > self.max_length:
            raise PasswordTooLongError(
                f"the password can have at most {self.max_length} characters"
            )


@dataclass(frozen=True)
class User:
    user_id: str
    email: str
    password_hash: str
    roles: frozenset[Role]
    created_at: datetime

    @classmethod
    def register(cls, user_id: str, email: str, password_hash: str, now: datetime) -> "User":
        """A new customer: everyone who signs up shops, nothing more."""
        return cls(user_id, email, password_hash, frozenset({Role.CUSTOMER}), now)

    @classmethod
    def administrator(cls, user_id: str, email: str, password_hash: str, now: datetime) -> "User":
        return cls(user_id, email, password_hash, frozenset({Role.ADMIN}), now)


@dataclass(frozen=True)
class SignedIn:
    """A user who proved who they are at `auth_time` (OpenID Connect's ``auth_time``)."""

    user: User
    auth_time: datetime


class ClientKind(StrEnum):
    PUBLIC = "public"
    """Runs where its users are (a browser): holds no secret, proves itself with PKCE."""
    CONFIDENTIAL = "confidential"
    """Runs on a server (a service, a backend for frontend): authenticates with its secret."""


@dataclass(frozen=True)
class Client:
    client_id: str
    kind: ClientKind
    grant_types: frozenset[str]
    scopes: frozenset[str]
    redirect_uris: tuple[str, ...] = ()
    secret_digest: str | None = None
    roles: frozenset[Role] = frozenset()
    """The roles of a confidential client's own tokens (client credentials: no user)."""
    post_logout_redirect_uris: tuple[str, ...] = ()
    """Where the browser may be sent back once signed out (RP-Initiated Logout 1.0)."""

    def allows_redirect_to(self, uri: str) -> bool:
        """Exact match only: a prefix or pattern match lets an attacker pick a lookalike."""
        return uri in self.redirect_uris

    def allows_post_logout_redirect_to(self, uri: str) -> bool:
        """Exact match only, as for the redirect URIs: anything else is an open redirect."""
        return uri in self.post_logout_redirect_uris

    def secret_matches(self, secret: str) -> bool:
        return self.secret_digest is not None and digest_matches(secret, self.secret_digest)

    def granted_scope(self, requested: str | None) -> str | None:
        """The scope a token for `requested` carries (all of the client's when none is
        asked), or None when something outside the client's scopes is asked for."""
        wanted = set(requested.split()) if requested else set(self.scopes)
        if not wanted <= self.scopes:
            return None
        return " ".join(sorted(wanted))


@dataclass(frozen=True)
class AuthorizationCode:
    """A code the authorization endpoint handed out, stored as its digest until redeemed."""

    code_digest: str
    client_id: str
    user_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: datetime
    expires_at: datetime
    family_id: str
    """The refresh-token family its tokens start; revoked if the code is presented twice."""
    redeemed: bool = False

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class RefreshTokenStatus(StrEnum):
    ACTIVE = "active"
    ROTATED = "rotated"
    """Exchanged once for a successor: presenting it again means it was stolen."""
    REVOKED = "revoked"


@dataclass(frozen=True)
class RefreshToken:
    token_digest: str
    family_id: str
    client_id: str
    user_id: str
    scope: str
    issued_at: datetime
    expires_at: datetime
    status: RefreshTokenStatus = RefreshTokenStatus.ACTIVE

    def redeemable(self, now: datetime) -> bool:
        return self.status is RefreshTokenStatus.ACTIVE and now < self.expires_at

    def is_replay(self) -> bool:
        """A rotated token is never presented by its rightful holder, who has its successor."""
        return self.status is RefreshTokenStatus.ROTATED

    def rotated(self) -> "RefreshToken":
        if self.status is not RefreshTokenStatus.ACTIVE:
            raise ValueError(f"a {self.status} refresh token cannot be rotated")
        return replace(self, status=RefreshTokenStatus.ROTATED)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_jwk: str
    """The private key as a JWK (JSON): key material, never logged nor published."""
    created_at: datetime
    retired_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class KeyRing:
    """The signing keys in the store and how long a retired one must keep verifying."""

    keys: tuple[SigningKey, ...]
    overlap: timedelta
    """Access-token lifetime plus the verifiers' leeway: the longest a token stays valid."""

    def signing_key(self) -> SigningKey | None:
        """The newest active key: every token is signed with it."""
        active = [key for key in self.keys if key.active]
        return max(active, key=lambda key: key.created_at) if active else None

    def published(self, now: datetime) -> list[SigningKey]:
        """Every key a token still in its lifetime can be signed with, newest first."""
        return sorted(
            (key for key in self.keys if key not in self.expired(now)),
            key=lambda key: key.created_at,
            reverse=True,
        )

    def retiring(self, now: datetime) -> list[SigningKey]:
        """The active keys as a rotation at `now` leaves them: retired, still verifying."""
        return [replace(key, retired_at=now) for key in self.keys if key.active]

    def expired(self, now: datetime) -> list[SigningKey]:
        """Retired keys no valid token can be signed with any more: safe to drop."""
        return [
            key
            for key in self.keys
            if key.retired_at is not None and now >= key.retired_at + self.overlap
        ]


@dataclass(frozen=True)
class ThrottlePolicy:
    """At most `max_failures` failed sign-ins per key (an account, an address) in `window`."""

    max_failures: int
    window: timedelta

    def retry_after(self, failures: Iterable[datetime], now: datetime) -> int | None:
        """Seconds until another attempt is allowed, or None when one is allowed now."""
        recent = sorted(at for at in failures if at > now - self.window)
        if len(recent) < self.max_failures:
            return None
        # Allowed again when enough of the recent failures have left the window.
        frees_at = recent[len(recent) - self.max_failures] + self.window
        return max(1, math.ceil((frees_at - now).total_seconds()))


def throttle_key_of_account(email: str) -> str:
    # A digest: the failure log holds no email addresses, and every key has one length.
    return f"account:{digest(email)}"


def throttle_key_of_address(address: str) -> str:
    return f"address:{address}"


@dataclass(frozen=True)
class LoginSession:
    """The identity service's own session (its cookie), signed in or not yet.

    `csrf_token` is what the session's forms must send back: a cross-site page can make a
    browser send the cookie, but cannot read the token.
    """

    session_digest: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    user_id: str | None = None
    auth_time: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at

    def check_form_token(self, submitted: str) -> None:
        """Raise FormTokenMismatchError unless `submitted` is this session's token."""
        if not hmac.compare_digest(submitted.encode(), self.csrf_token.encode()):
            raise FormTokenMismatchError("the form expired or was not sent from this site")


def continuation_is_safe(target: str) -> bool:
    """Whether a page may send the browser on to `target` after sign-in: only back into
    this service's authorization endpoint, never to another site (an open redirect)."""
    return target.startswith("/authorize?") and "\\" not in target and "\n" not in target


PROMPT_CREATE = "create"
"""The ``prompt`` value that asks for the sign-up page (Initiating User Registration via
OpenID Connect 1.0)."""


def asks_to_create_account(prompt: str | None) -> bool:
    """Whether an authorization request's ``prompt`` (space-separated) asks for sign-up."""
    return PROMPT_CREATE in (prompt or "").split()


@dataclass(frozen=True)
class IdTokenHint:
    """An ID token this provider signed, read as a logout hint: whom it was about and for
    which clients. Its expiry does not matter: a client signs out long after sign-in."""

    subject: str
    audiences: frozenset[str]


@dataclass(frozen=True)
class LogoutRequest:
    """A client's request to end the browser's session (RP-Initiated Logout 1.0 section 2),
    its ``id_token_hint`` already verified."""

    client_id: str | None = None
    post_logout_redirect_uri: str | None = None
    state: str | None = None
    hint: IdTokenHint | None = None

    def named_client_id(self) -> str | None:
        """The client asking: ``client_id``, else the hint's one audience. Raises
        InvalidLogoutRequestError when the two disagree, or when a redirect is asked for
        without saying for which client."""
        if (
            self.hint is not None
            and self.client_id is not None
            and self.client_id not in self.hint.audiences
        ):
            raise InvalidLogoutRequestError(
                "the id_token_hint was not issued to the client named by client_id"
            )
        client_id = self.client_id
        if client_id is None and self.hint is not None and len(self.hint.audiences) == 1:
            (client_id,) = self.hint.audiences
        if client_id is None and self.post_logout_redirect_uri is not None:
            raise InvalidLogoutRequestError(
                "a post_logout_redirect_uri needs a client_id or an id_token_hint"
            )
        return client_id

    def redirect_for(self, client: Client) -> str | None:
        """Where the browser goes once signed out: the registered post_logout_redirect_uri
        with ``state``, or None (this service's own page). InvalidLogoutRequestError for a
        URI `client` did not register, exactly."""
        uri = self.post_logout_redirect_uri
        if uri is None:
            return None
        if not client.allows_post_logout_redirect_to(uri):
            raise InvalidLogoutRequestError(
                "the post_logout_redirect_uri is not registered for this client"
            )
        if self.state is None:
            return uri
        return f"{uri}{'&' if '?' in uri else '?'}{urlencode({'state': self.state})}"

    def speaks_for(self, session: LoginSession) -> bool:
        """Whether the hint proves the request is about this session's user: only then
        may a request the browser was merely sent to end the session without asking."""
        return self.hint is not None and self.hint.subject == session.user_id


class InvalidEmailError(ValueError):
    pass


class PasswordTooShortError(ValueError):
    pass


class PasswordTooLongError(ValueError):
    pass


class EmailTakenError(Exception):
    def __init__(self) -> None:
        super().__init__("an account with this email exists already; sign in instead")


class SignInFailedError(Exception):
    """The same answer whether the email is unknown or the password wrong."""

    def __init__(self) -> None:
        super().__init__("the email or the password is wrong")


class SignInThrottledError(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after_seconds} seconds")
        self.retry_after_seconds = retry_after_seconds


class FormTokenMismatchError(Exception):
    pass


class InvalidAuthorizationRequestError(Exception):
    """An authorization request that cannot be answered at the client's redirect URI
    (unknown client, redirect URI not registered): it is answered here instead."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error


class InvalidLogoutRequestError(Exception):
    """A logout request that names no trustworthy client, redirect or ID token: answered
    here, never redirected (RP-Initiated Logout 1.0 section 4)."""
