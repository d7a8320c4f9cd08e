"""The SQL order store on SQLite and on the real MariaDB: one contract for both."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from order_service.adapters import tables
from order_service.adapters.sql import SqlOrderRepository
from order_service.domain import (
    GUEST_SCOPE,
    DuplicateIdempotencyKeyError,
    Order,
    OrderLine,
    OrderStatus,
    Shortage,
    fingerprint,
    idempotency_scope,
    new_guest_secret,
    new_order_number,
    secret_digest,
)
from order_service.service import utc_now


def an_order(
    key: str | None = None,
    age: timedelta = timedelta(0),
    owner: str | None = None,
    secret: str | None = None,
) -> Order:
    lines = (OrderLine("mug", 2, Decimal("12.50")), OrderLine("tea", 1, Decimal("0.01")))
    return Order(
        order_number=new_order_number(),
        status=OrderStatus.PENDING,
        lines=lines,
        created_at=utc_now() - age,
        fingerprint=fingerprint(lines),
        idempotency_key=key,
        owner=owner,
        guest_secret_digest=secret_digest(secret) if secret else None,
    )


async def test_an_order_is_read_back_exactly(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    order = an_order(key="Key-1", owner="Alice-ÄÖ")
    scope = idempotency_scope("Alice-ÄÖ")

    await orders.add(order)

    assert await orders.get(order.order_number) == order
    assert await orders.get_by_idempotency_key(scope, "Key-1") == order
    assert await orders.get_by_idempotency_key(scope, "key-1") is None
    assert await orders.get_by_idempotency_key(idempotency_scope("alice-äö"), "Key-1") is None
    assert await orders.get_by_idempotency_key(GUEST_SCOPE, "Key-1") is None


async def test_a_guest_order_keeps_only_the_digest_of_its_secret(
    migrated_engine: AsyncEngine,
) -> None:
    orders = SqlOrderRepository(migrated_engine)
    secret = new_guest_secret()
    order = an_order(key="guest-key", secret=secret)

    await orders.add(order)

    assert await orders.get_by_idempotency_key(GUEST_SCOPE, "guest-key") == order
    async with migrated_engine.connect() as connection:
        row = (await connection.execute(select(tables.orders))).one()
    assert secret not in repr(tuple(row))
    assert row.guest_secret_digest == secret_digest(secret)


async def test_one_key_in_two_scopes_is_two_keys(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    alices, bobs, guests = (
        an_order(key="same", owner="alice"),
        an_order(key="same", owner="bob"),
        an_order(key="same"),
    )

    for order in (alices, bobs, guests):
        await orders.add(order)
    with pytest.raises(DuplicateIdempotencyKeyError):
        await orders.add(an_order(key="same", owner="bob"))

    assert await orders.get_by_idempotency_key(idempotency_scope("alice"), "same") == alices
    assert await orders.get_by_idempotency_key(idempotency_scope("bob"), "same") == bobs
    assert await orders.get_by_idempotency_key(GUEST_SCOPE, "same") == guests


async def test_a_forgotten_key_is_free_for_a_new_order(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    confirmed = an_order(key="expired", owner="alice").confirm()
    await orders.add(confirmed)
    scope = idempotency_scope("alice")

    assert await orders.save_transition(confirmed.forget_idempotency_key(), confirmed)
    await orders.add(fresh := an_order(key="expired", owner="alice"))

    assert await orders.get_by_idempotency_key(scope, "expired") == fresh
    assert await orders.get(confirmed.order_number) == confirmed.forget_idempotency_key()


async def test_racing_orders_with_one_idempotency_key_store_one(
    migrated_engine: AsyncEngine,
) -> None:
    orders = SqlOrderRepository(migrated_engine)

    results = await asyncio.gather(
        *(orders.add(an_order(key="same", owner="alice")) for _ in range(10)),
        return_exceptions=True,
    )

    assert sum(result is None for result in results) == 1
    assert all(
        isinstance(result, DuplicateIdempotencyKeyError) for result in results if result is not None
    )


async def test_a_transition_is_saved_only_from_the_expected_status(
    migrated_engine: AsyncEngine,
) -> None:
    orders = SqlOrderRepository(migrated_engine)
    order = an_order()
    await orders.add(order)
    rejected = order.reject([Shortage("mug", 2, 1)])

    assert await orders.save_transition(rejected, order)
    assert not await orders.save_transition(order.confirm(), order)

    assert await orders.get(order.order_number) == rejected


async def test_a_transition_decided_before_a_release_was_owed_is_not_saved(
    migrated_engine: AsyncEngine,
) -> None:
    orders = SqlOrderRepository(migrated_engine)
    order = an_order()
    await orders.add(order)
    owing = order.owe_release()

    assert await orders.save_transition(owing, order)
    assert not await orders.save_transition(order.confirm(), order)
    assert await orders.save_transition(owing.fail(), owing)

    assert await orders.get(order.order_number) == owing.fail()


async def test_a_confirmed_order_is_saved_cancelled(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    confirmed = an_order(key="cancel-me").confirm()
    await orders.add(confirmed)
    cancelled = confirmed.cancel()

    assert await orders.save_transition(cancelled, confirmed)
    assert not await orders.save_transition(cancelled, confirmed)
    assert await orders.cancelled_owing_release(limit=10) == [cancelled]
    assert await orders.save_transition(cancelled.stock_returned(), cancelled)

    assert await orders.get(confirmed.order_number) == cancelled.stock_returned()
    assert await orders.cancelled_owing_release(limit=10) == []


async def test_a_failed_order_gives_its_idempotency_key_back(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    failed = an_order(key="retry-me")
    await orders.add(failed)

    await orders.save_transition(failed.fail(), failed)
    await orders.add(retry := an_order(key="retry-me"))

    assert await orders.get_by_idempotency_key(GUEST_SCOPE, "retry-me") == retry
    assert await orders.get(failed.order_number) == failed.fail()


async def test_orders_are_listed_newest_first(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    made = [an_order(age=timedelta(seconds=age)) for age in (30, 10, 20)]
    for order in made:
        await orders.add(order)

    newest = await orders.newest(offset=0, limit=2)
    rest = await orders.newest(offset=2, limit=2)

    assert [o.order_number for o in newest + rest] == [
        made[1].order_number,
        made[2].order_number,
        made[0].order_number,
    ]


async def test_a_customers_orders_are_listed_newest_first_without_anyone_elses(
    migrated_engine: AsyncEngine,
) -> None:
    orders = SqlOrderRepository(migrated_engine)
    alices = [an_order(age=timedelta(seconds=age), owner="alice") for age in (30, 10, 20)]
    others = [an_order(owner="Alice"), an_order(owner="bob"), an_order()]
    for order in alices + others:
        await orders.add(order)

    newest = await orders.newest_of("alice", offset=0, limit=2)
    rest = await orders.newest_of("alice", offset=2, limit=2)

    assert [o.order_number for o in newest + rest] == [
        alices[1].order_number,
        alices[2].order_number,
        alices[0].order_number,
    ]
    assert len(await orders.newest(offset=0, limit=10)) == 6


async def test_old_pending_orders_are_found_for_recovery(migrated_engine: AsyncEngine) -> None:
    orders = SqlOrderRepository(migrated_engine)
    old, young, settled = (
        an_order(age=timedelta(minutes=5)),
        an_order(),
        an_order(age=timedelta(minutes=5)),
    )
    for order in (old, young, settled):
        await orders.add(order)
    await orders.save_transition(settled.confirm(), settled)
    await orders.save_transition(old.owe_release(), old)

    found = await orders.pending_since(utc_now() - timedelta(minutes=1), limit=10)

    assert [o.order_number for o in found] == [old.order_number]
    assert found[0].must_release


@pytest.mark.parametrize("price", ["0.01", "9999999999.99"])
async def test_line_prices_are_stored_exactly(migrated_engine: AsyncEngine, price: str) -> None:
    orders = SqlOrderRepository(migrated_engine)
    lines = (OrderLine("mug", 1000, Decimal(price)),)
    order = Order(new_order_number(), OrderStatus.PENDING, lines, utc_now(), fingerprint(lines))

    await orders.add(order)

    stored = await orders.get(order.order_number)
    assert stored is not None
    assert stored.total == Decimal(price) * 1000
