"""The order saga, model-checked (docs/orders.md, "The saga, model-checked").

spin searches every interleaving of tests/model/saga.pml within its bounds: the properties
hold in every one, each seeded mutation of the model breaks one of them (so they can fail),
and the model's transitions are the code's.
"""

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

from inventory_service.domain import RESERVATION_TRANSITIONS
from order_service.domain import TRANSITIONS, OrderStatus

from .searches import BACKGROUND, LTL_FORMULAS, NETWORK_AND_CRASH
from .spin import MODEL, Search, verify

MUTATIONS = {
    "NO_TOMBSTONE": "a release before the reservation leaves no tombstone",
    "UNCONDITIONAL_DECREMENT": "a reservation takes stock without checking there is enough",
    "RELEASE_NOT_IDEMPOTENT": "every release gives the stock back, not only the first",
    "RECOVERY_CONFIRMS_BLINDLY": "the recovery loop confirms without asking the inventory",
    "SETTLE_NOT_CAS": "an order's status is written without compare-and-set",
    "CANCEL_RELEASES_FIRST": "a cancel releases the stock before it is recorded",
    "RELEASE_BEFORE_MARK": "an abandoned order is released before its release is owed",
}


def _holds(search: Search) -> None:
    assert search.complete, f"the search did not visit every state:\n{search.output}"
    assert search.errors == 0, "\n".join(search.counterexample)
    print(f"{search.states_stored:,.0f} states in {search.seconds:.1f} s")


# The exhaustive searches run in the background from collection on (searches.py): each test
# asserts what its search found.


@pytest.mark.parametrize("bounds", ["network+crash", "retry+crash"])
def test_every_interleaving_keeps_the_stock_equal_to_the_confirmed_orders(
    request: pytest.FixtureRequest, bounds: str
) -> None:
    _holds(BACKGROUND.result(request.node.name))


@pytest.mark.parametrize("formula", LTL_FORMULAS)
def test_every_ltl_property_holds_under_network_faults_and_a_crash(
    request: pytest.FixtureRequest, formula: str
) -> None:
    _holds(BACKGROUND.result(request.node.name))


def test_no_order_stays_pending_forever_when_a_client_retries_alongside(
    request: pytest.FixtureRequest,
) -> None:
    _holds(BACKGROUND.result(request.node.name))


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_seeded_mutation_yields_a_readable_counterexample(
    tmp_path: Path, mutation: str
) -> None:
    search = verify(tmp_path, NETWORK_AND_CRASH, mutation=mutation, optimise=False)

    assert search.errors >= 1, f"{MUTATIONS[mutation]}: spin found no counterexample"
    print(f"{mutation} ({MUTATIONS[mutation]}):")
    print("\n".join(f"  {number}. {step}" for number, step in enumerate(search.counterexample, 1)))
    assert search.counterexample[-1].startswith("VIOLATED: ")
    assert len(search.counterexample) > 2, "the trail should narrate the steps that lead there"


@cache
def _model_text() -> str:
    """The model as spin reads it, without any mutation: the C preprocessor's output."""
    return subprocess.run(
        ["gcc", "-E", "-P", "-x", "c", str(MODEL)], capture_output=True, text=True, check=True
    ).stdout


def _moves(macro: str, arity: int) -> set[tuple[str, ...]]:
    """Every (from, to) status pair the model writes through `macro` (not its definition)."""
    text = re.sub(r"inline\s+\w+\([^)]*\)", "", _model_text())
    calls = re.findall(rf"{macro}\(([^)]*)\)", text)
    pairs = set()
    for call in calls:
        arguments = [argument.strip() for argument in call.split(",")]
        assert len(arguments) == arity, call
        if arity == 6:  # ORDER_MOVE(o, FROM, FROM_MARK, TO, TO_MARK, ok)
            pairs.add((arguments[1], arguments[3]))
        else:  # RESERVATION_MOVE(o, FROM, TO)
            pairs.add((arguments[1], arguments[2]))
    return pairs


def test_the_models_order_transitions_are_the_codes_transition_table() -> None:
    status_changes = {(old, new) for old, new in _moves("ORDER_MOVE", 6) if old != new}
    code = {(old.value, new.value) for old, successors in TRANSITIONS.items() for new in successors}

    assert status_changes == code
    # The model writes a new order PENDING, as the code does.
    assert re.search(r"status\[o\] = PENDING", _model_text())
    assert {status.value for status in OrderStatus} <= set(re.findall(r"\b[A-Z]+\b", _model_text()))


def test_the_models_reservation_transitions_are_the_inventorys_table() -> None:
    def named(status: object) -> str:
        return "NONE" if status is None else str(status)

    code = {
        (named(old), named(new))
        for old, successors in RESERVATION_TRANSITIONS.items()
        for new in successors
    }

    assert _moves("RESERVATION_MOVE", 3) == code
