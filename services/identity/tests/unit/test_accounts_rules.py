"""Emails, passwords, roles: the rules of accounts, without I/O."""

from datetime import UTC, datetime

import pytest

from identity_service.domain import (
    InvalidEmailError,
    PasswordPolicy,
    PasswordTooLongError,
    PasswordTooShortError,
    Role,
    User,
    normalise_email,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Ada@Example.COM", "ada@example.com"),
        ("  ada@example.com\t", "ada@example.com"),
        ("\uff41\uff44\uff41@example.com", "ada@example.com"),  # fullwidth letters
        ("admin@shopstack.local", "admin@shopstack.local"),
    ],
)
def test_an_email_has_one_spelling(raw: str, normalised: str) -> None:
    assert normalise_email(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@localhost",
        "a da@example.com",
        "<ada@example.com>",
        "ada@example.com, eve@example.com",
        "a" * 250 + "@example.com",
    ],
)
def test_anything_but_one_mailbox_address_is_refused(raw: str) -> None:
    with pytest.raises(InvalidEmailError):
        normalise_email(raw)


def test_a_password_needs_the_minimum_length() -> None:
    policy = PasswordPolicy(min_length=12, max_length=128)

    with pytest.raises(PasswordTooShortError, match="at least 12"):
        policy.check("x" * 11)
    policy.check("x" * 12)


def test_a_password_may_not_pass_the_maximum_length() -> None:
    policy = PasswordPolicy(min_length=12, max_length=128)

    with pytest.raises(PasswordTooLongError, match="at most 128"):
        policy.check("x" * 129)
    policy.check("x" * 128)


def test_whoever_signs_up_is_a_customer_and_nothing_more() -> None:
    user = User.register("u-1", "ada@example.com", "hash", NOW)

    assert user.roles == {Role.CUSTOMER}


def test_the_local_admin_is_an_admin() -> None:
    assert User.administrator("u-2", "admin@shopstack.local", "hash", NOW).roles == {Role.ADMIN}
