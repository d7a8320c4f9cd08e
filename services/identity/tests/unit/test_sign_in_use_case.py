"""Signing up and in through the use cases, on in-memory fakes."""

from datetime import timedelta
from typing import Any

import pytest

from identity_service.domain import (
    EmailTakenError,
    PasswordPolicy,
    Role,
    SignInFailedError,
    SignInThrottledError,
    ThrottlePolicy,
)
from identity_service.ports import SignInResult
from identity_service.service import accounts
from identity_service.service.accounts import SignInRules

POLICY = PasswordPolicy(min_length=12, max_length=128)
RULES = SignInRules(
    per_account=ThrottlePolicy(3, timedelta(minutes=15)),
    per_address=ThrottlePolicy(5, timedelta(minutes=15)),
)
PASSWORD = "correct horse battery staple"


async def register(users: Any, passwords: Any, clock: Any, email: str = "Ada@Example.com") -> None:
    await accounts.register(users, passwords, POLICY, clock, email, PASSWORD)


async def sign_in(
    users: Any,
    passwords: Any,
    failures: Any,
    outcomes: Any,
    clock: Any,
    email: str,
    password: str,
    address: str = "192.0.2.1",
) -> Any:
    return await accounts.sign_in(
        users, passwords, failures, RULES, outcomes, clock, (email, password), address
    )


async def test_a_registered_customer_signs_in_with_the_normalised_email(
    users: Any, passwords: Any, failures: Any, outcomes: Any, clock: Any
) -> None:
    await register(users, passwords, clock)

    who = await sign_in(users, passwords, failures, outcomes, clock, " ADA@example.com", PASSWORD)

    assert who.user.email == "ada@example.com"
    assert who.user.roles == {Role.CUSTOMER}
    assert who.auth_time == clock.now
    assert outcomes.results == [SignInResult.OK]


async def test_an_email_registers_once(users: Any, passwords: Any, clock: Any) -> None:
    await register(users, passwords, clock)

    with pytest.raises(EmailTakenError):
        await register(users, passwords, clock, email="ada@EXAMPLE.com")


async def test_an_unknown_email_is_answered_like_a_wrong_password_after_a_dummy_check(
    users: Any, passwords: Any, failures: Any, outcomes: Any, clock: Any
) -> None:
    await register(users, passwords, clock)

    with pytest.raises(SignInFailedError) as unknown:
        await sign_in(users, passwords, failures, outcomes, clock, "eve@example.com", PASSWORD)
    with pytest.raises(SignInFailedError) as wrong:
        await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", "x" * 12)

    assert str(unknown.value) == str(wrong.value)
    # One verification each: against no hash (the dummy) for the unknown email.
    assert passwords.verified == [None, f"hashed:{PASSWORD}"]
    assert outcomes.results == [SignInResult.FAILED, SignInResult.FAILED]


async def test_an_account_is_throttled_after_its_failures_even_with_the_right_password(
    users: Any, passwords: Any, failures: Any, outcomes: Any, clock: Any
) -> None:
    await register(users, passwords, clock)
    for attempt in range(3):
        with pytest.raises(SignInFailedError):
            await sign_in(
                users,
                passwords,
                failures,
                outcomes,
                clock,
                "ada@example.com",
                "wrong",
                address=f"192.0.2.{attempt}",
            )
        clock.advance(60)

    with pytest.raises(SignInThrottledError) as throttled:
        await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", PASSWORD)

    assert throttled.value.retry_after_seconds == 12 * 60
    assert outcomes.results[-1] is SignInResult.THROTTLED
    clock.advance(12 * 60)
    await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", PASSWORD)


async def test_an_address_is_throttled_after_failures_across_accounts(
    users: Any, passwords: Any, failures: Any, outcomes: Any, clock: Any
) -> None:
    await register(users, passwords, clock)
    for attempt in range(5):
        with pytest.raises(SignInFailedError):
            await sign_in(
                users, passwords, failures, outcomes, clock, f"user{attempt}@example.com", "wrong"
            )

    with pytest.raises(SignInThrottledError):
        await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", PASSWORD)
    await sign_in(
        users,
        passwords,
        failures,
        outcomes,
        clock,
        "ada@example.com",
        PASSWORD,
        address="198.51.100.7",
    )


async def test_a_success_forgets_the_accounts_failures(
    users: Any, passwords: Any, failures: Any, outcomes: Any, clock: Any
) -> None:
    await register(users, passwords, clock)
    for _ in range(2):
        with pytest.raises(SignInFailedError):
            await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", "wrong")
    await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", PASSWORD)

    for _ in range(2):
        with pytest.raises(SignInFailedError):
            await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", "wrong")
    await sign_in(users, passwords, failures, outcomes, clock, "ada@example.com", PASSWORD)
