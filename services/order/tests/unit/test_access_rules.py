"""Who may see an order, as the domain decides it: the owner, an admin, a guest secret's holder."""

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from order_service.domain import (
    GUEST_SCOPE,
    Caller,
    NotACustomerError,
    Order,
    OrderLine,
    OrderStatus,
    SignInRequiredError,
    ensure_may_ask_for_an_order,
    fingerprint,
    listed_owner,
    new_guest_secret,
    secret_digest,
)

from .conftest import ADMIN, ALICE, BOB, GUEST

LINES = (OrderLine("mug", 1, Decimal("12.50")),)
SECRET = new_guest_secret()
URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def an_order(owner: str | None = None, secret: str | None = None) -> Order:
    return Order(
        order_number="7d1f5c2e-55a4-4a8e-9d59-0b0f5a3c9e11",
        status=OrderStatus.CONFIRMED,
        lines=LINES,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        fingerprint=fingerprint(LINES),
        idempotency_key="k1",
        owner=owner,
        guest_secret_digest=secret_digest(secret) if secret else None,
    )


def test_a_customers_order_is_seen_by_its_owner_and_admins_only() -> None:
    order = an_order(owner="alice")

    assert order.visible_to(ALICE)
    assert order.visible_to(ADMIN)
    assert not order.visible_to(BOB)
    assert not order.visible_to(GUEST)
    assert not order.visible_to(Caller(order_secret=SECRET))


def test_a_guest_order_is_seen_with_its_secret_and_by_admins_only() -> None:
    order = an_order(secret=SECRET)

    assert order.visible_to(Caller(order_secret=SECRET))
    assert order.visible_to(Caller(subject="bob", order_secret=SECRET))
    assert order.visible_to(ADMIN)
    assert not order.visible_to(GUEST)
    assert not order.visible_to(Caller(order_secret=new_guest_secret()))
    assert not order.visible_to(Caller(order_secret=SECRET[:-1]))
    assert not order.visible_to(BOB)


def test_an_order_without_an_owner_or_a_secret_is_seen_by_admins_only() -> None:
    order = an_order()

    assert order.visible_to(ADMIN)
    assert not order.visible_to(Caller(order_secret=SECRET))
    assert not order.visible_to(ALICE)


def test_a_service_acting_for_itself_sees_no_customers_order() -> None:
    service = Caller(subject="inventory-service", is_service=True)

    assert not an_order(owner="alice").visible_to(service)


def test_a_guest_secret_is_url_safe_random_and_stored_only_as_its_sha256() -> None:
    secrets = {new_guest_secret() for _ in range(100)}

    assert len(secrets) == 100
    assert all(len(secret) >= 43 for secret in secrets)  # 32 bytes, base64url
    assert all(set(secret) <= set(URL_SAFE) for secret in secrets)
    assert secret_digest(SECRET) == hashlib.sha256(SECRET.encode()).hexdigest()
    assert SECRET not in repr(an_order(secret=SECRET))


def test_an_anonymous_caller_without_a_secret_must_sign_in_to_ask_for_an_order() -> None:
    with pytest.raises(SignInRequiredError):
        ensure_may_ask_for_an_order(GUEST)

    ensure_may_ask_for_an_order(Caller(order_secret="anything"))
    ensure_may_ask_for_an_order(ALICE)


def test_a_customer_lists_their_own_orders_and_an_admin_all() -> None:
    assert listed_owner(ALICE) == "alice"
    assert listed_owner(ADMIN) is None
    assert listed_owner(Caller(subject="ops-robot", is_service=True, is_admin=True)) is None


def test_a_service_without_the_admin_role_and_a_guest_list_nothing() -> None:
    with pytest.raises(NotACustomerError):
        listed_owner(Caller(subject="inventory-service", is_service=True))
    with pytest.raises(SignInRequiredError):
        listed_owner(Caller(order_secret=SECRET))


def test_idempotency_keys_are_scoped_per_subject_and_one_scope_for_all_guests() -> None:
    assert ALICE.idempotency_scope != BOB.idempotency_scope
    assert an_order(owner="alice").idempotency_scope == ALICE.idempotency_scope
    assert an_order().idempotency_scope == GUEST.idempotency_scope == GUEST_SCOPE
    assert Caller(subject=GUEST_SCOPE).idempotency_scope != GUEST_SCOPE


def test_an_idempotency_key_expires_after_it_was_kept_its_time() -> None:
    order = an_order(owner="alice")
    day = timedelta(hours=24)

    assert not order.idempotency_key_expired(order.created_at + day - timedelta(seconds=1), day)
    assert order.idempotency_key_expired(order.created_at + day, day)
    assert not order.forget_idempotency_key().idempotency_key_expired(order.created_at + day, day)
