"""Signing up, signing in (throttled, uniform in its failures) and the local admin."""

import logging
import secrets
import uuid
from dataclasses import dataclass

from identity_service.domain import (
    EmailTakenError,
    InvalidEmailError,
    PasswordPolicy,
    SignedIn,
    SignInFailedError,
    SignInThrottledError,
    ThrottlePolicy,
    User,
    normalise_email,
    throttle_key_of_account,
    throttle_key_of_address,
)
from identity_service.ports import (
    Clock,
    PasswordHasher,
    SecretFile,
    SignInFailureLog,
    SignInOutcomes,
    SignInResult,
    UserRepository,
)

logger = logging.getLogger(__name__)

GENERATED_PASSWORD_BYTES = 24
"""32 URL-safe characters: far past any policy's minimum, typed by nobody."""


@dataclass(frozen=True)
class SignInRules:
    per_account: ThrottlePolicy
    per_address: ThrottlePolicy


async def register(
    users: UserRepository,
    hasher: PasswordHasher,
    policy: PasswordPolicy,
    clock: Clock,
    email: str,
    password: str,
) -> User:
    """A new customer account; raises InvalidEmailError, a password policy error or
    EmailTakenError."""
    normalised = normalise_email(email)
    policy.check(password)
    user = User.register(str(uuid.uuid4()), normalised, await hasher.hash(password), clock())
    await users.add(user)
    return user


async def sign_in(
    users: UserRepository,
    hasher: PasswordHasher,
    failures: SignInFailureLog,
    rules: SignInRules,
    outcomes: SignInOutcomes,
    clock: Clock,
    credentials: tuple[str, str],
    address: str,
) -> SignedIn:
    """The user `credentials` (email, password) prove, signing in from `address`.

    Raises SignInThrottledError while the account or the address has failed too often,
    and SignInFailedError, the same whether the email is unknown or the password wrong.
    """
    raw_email, password = credentials
    try:
        email = normalise_email(raw_email)
    except InvalidEmailError:
        email = raw_email.strip().lower()
    account_key, address_key = throttle_key_of_account(email), throttle_key_of_address(address)
    now = clock()
    waits = [
        policy.retry_after(await failures.failures_since(key, now - policy.window), now)
        for key, policy in ((account_key, rules.per_account), (address_key, rules.per_address))
    ]
    longest_wait = max((wait for wait in waits if wait is not None), default=None)
    if longest_wait is not None:
        outcomes.sign_in_ended(SignInResult.THROTTLED)
        raise SignInThrottledError(longest_wait)
    user = await users.by_email(email)
    # Unknown emails are checked against a dummy hash: the answer takes as long either way.
    matches = await hasher.verify(user.password_hash if user else None, password)
    if user is None or not matches:
        await failures.record([account_key, address_key], now)
        await failures.purge(now - max(rules.per_account.window, rules.per_address.window))
        outcomes.sign_in_ended(SignInResult.FAILED)
        raise SignInFailedError()
    await failures.clear(account_key)
    outcomes.sign_in_ended(SignInResult.OK)
    return SignedIn(user, now)


async def ensure_local_admin(
    users: UserRepository,
    hasher: PasswordHasher,
    password_file: SecretFile,
    email: str,
    clock: Clock,
) -> bool:
    """Create the admin `email` with a generated password written to `password_file`,
    unless an admin exists. True when it was created."""
    if await users.has_admin():
        return False
    password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    admin = User.administrator(
        str(uuid.uuid4()), normalise_email(email), await hasher.hash(password), clock()
    )
    try:
        await users.add(admin)
    except EmailTakenError:
        logger.error(
            "no local admin created: a non-admin account has its email",
            extra={"email": admin.email},
        )
        return False
    # Written after the account exists: of instances starting together, only the one whose
    # account was stored writes the file.
    password_file.write(password)
    logger.info(
        "local admin created; its password is in the file named here",
        extra={"email": admin.email, "password_file": password_file.location},
    )
    return True


async def create_admin(
    users: UserRepository, hasher: PasswordHasher, email: str, clock: Clock
) -> str:
    """Create the admin `email` and return its generated password (shown once, never
    stored in clear). Raises InvalidEmailError or EmailTakenError."""
    password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    admin = User.administrator(
        str(uuid.uuid4()), normalise_email(email), await hasher.hash(password), clock()
    )
    await users.add(admin)
    return password
