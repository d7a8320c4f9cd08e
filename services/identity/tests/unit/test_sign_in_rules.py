"""Throttling, login sessions and where a sign-in may continue: rules without I/O."""

from datetime import UTC, datetime, timedelta

import pytest

from identity_service.domain import (
    FormTokenMismatchError,
    LoginSession,
    ThrottlePolicy,
    continuation_is_safe,
    throttle_key_of_account,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=3, window=timedelta(minutes=15))


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_attempts_are_allowed_below_the_threshold() -> None:
    assert POLICY.retry_after(minutes_ago(1, 2), NOW) is None


def test_at_the_threshold_the_wait_lasts_until_the_oldest_failure_leaves_the_window() -> None:
    assert POLICY.retry_after(minutes_ago(1, 2, 10), NOW) == 5 * 60


def test_failures_older_than_the_window_do_not_count() -> None:
    assert POLICY.retry_after(minutes_ago(1, 2, 16, 20), NOW) is None


def test_with_many_failures_the_wait_lasts_until_enough_of_them_left_the_window() -> None:
    assert POLICY.retry_after(minutes_ago(1, 2, 3, 4, 14), NOW) == 12 * 60


def test_a_wait_is_at_least_a_second() -> None:
    failures = [NOW - timedelta(minutes=15) + timedelta(milliseconds=10), NOW, NOW]

    assert POLICY.retry_after(failures, NOW) == 1


def test_the_failure_log_keys_accounts_without_their_email() -> None:
    key = throttle_key_of_account("ada@example.com")

    assert "ada" not in key
    assert key == throttle_key_of_account("ada@example.com")


def session() -> LoginSession:
    return LoginSession("digest", "the-form-token", NOW, NOW + timedelta(hours=1))


def test_a_form_is_accepted_with_its_sessions_token_only() -> None:
    session().check_form_token("the-form-token")
    with pytest.raises(FormTokenMismatchError):
        session().check_form_token("another-token")
    with pytest.raises(FormTokenMismatchError):
        session().check_form_token("")


def test_a_session_lives_until_it_expires() -> None:
    assert session().is_live(NOW)
    assert not session().is_live(NOW + timedelta(hours=1))


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/authorize?client_id=storefront", True),
        ("https://evil.example/authorize?x", False),
        ("//evil.example/authorize?x", False),
        ("/authorize", False),
        ("/sign-in", False),
        ("/authorize?\\evil", False),
        ("", False),
    ],
)
def test_a_sign_in_continues_only_into_the_authorization_endpoint(target: str, safe: bool) -> None:
    assert continuation_is_safe(target) is safe
