"""The invariants the chaos suite checks catch each kind of damage a fault could do, so a
green chaos run means something."""

from collections import Counter
from dataclasses import replace

from .invariants import Snapshot, settled, violations

SKU = "mug"
INITIAL = {SKU: 10}
CONSISTENT = Snapshot(
    order_status={"a": "CONFIRMED", "b": "CANCELLED", "c": "FAILED", "d": "REJECTED"},
    owing_stock=set(),
    confirmed_quantities=Counter({SKU: 3}),
    reservation_status={"a": "RESERVED", "b": "RELEASED", "c": "RELEASED", "d": "REJECTED"},
    reserved_quantities=Counter({SKU: 3}),
    stock={SKU: 7},
)


def test_a_consistent_shop_breaks_no_invariant() -> None:
    assert settled(CONSISTENT)
    assert violations(CONSISTENT, INITIAL, {"a", "b"}, {"b"}) == []


def test_stock_taken_without_a_confirmed_order_is_caught() -> None:
    oversold = replace(CONSISTENT, stock={SKU: 6})

    assert violations(oversold, INITIAL, set(), set()) == ["mug: 4 taken, 3 in confirmed orders"]


def test_a_reservation_held_for_an_order_that_is_not_confirmed_is_caught() -> None:
    stranded = replace(
        CONSISTENT, reservation_status=CONSISTENT.reservation_status | {"c": "RESERVED"}
    )

    assert violations(stranded, INITIAL, set(), set()) == [
        "order c is FAILED, its reservation RESERVED"
    ]


def test_a_reservation_without_an_order_is_caught() -> None:
    orphan = replace(
        CONSISTENT, reservation_status=CONSISTENT.reservation_status | {"x": "RELEASED"}
    )

    assert violations(orphan, INITIAL, set(), set()) == ["1 reservations without an order"]


def test_a_pending_order_or_a_cancel_owing_stock_is_not_settled() -> None:
    pending = replace(CONSISTENT, order_status=CONSISTENT.order_status | {"e": "PENDING"})
    owing = replace(CONSISTENT, owing_stock={"b"})

    assert not settled(pending)
    assert not settled(owing)
    assert "1 orders still PENDING" in violations(pending, INITIAL, set(), set())
    assert violations(owing, INITIAL, set(), set()) == ["1 cancelled orders still owe their stock"]


def test_an_order_answered_201_that_is_not_confirmed_is_caught() -> None:
    assert violations(CONSISTENT, INITIAL, {"c"}, set()) == ["order c answered 201 is FAILED"]
    assert violations(CONSISTENT, INITIAL, set(), {"a"}) == ["order a cancelled is CONFIRMED"]
