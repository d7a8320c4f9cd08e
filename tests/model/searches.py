"""The model's exhaustive searches, started as soon as their tests are collected, one at a
time at the lowest CPU priority: spin then runs on the CPU the rest of `make test` leaves
idle (minutes of it), and the tests only wait for what is still running when they come."""

import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .spin import Bounds, Search, verify

# Two bounds, each searched exhaustively; together they cover what one run may suffer:
# a lost, late, duplicated or overtaken call (or its answer lost, or the caller timing out),
# and an order-service crash; or a client giving up and retrying alongside its attempt, and
# a crash.
NETWORK_AND_CRASH = Bounds(net_faults=1, order_crashes=1)
RETRY_ALONGSIDE_AND_CRASH = Bounds(net_faults=0, order_crashes=1, give_ups=1)

LTL_FORMULAS = [
    "stock_never_negative",
    "stock_matches_confirmed_at_rest",
    "no_order_pending_forever",
]

SEARCHES: dict[str, tuple[Bounds, str | None]] = {
    "test_every_interleaving_keeps_the_stock_equal_to_the_confirmed_orders[network+crash]": (
        NETWORK_AND_CRASH,
        None,
    ),
    "test_every_interleaving_keeps_the_stock_equal_to_the_confirmed_orders[retry+crash]": (
        RETRY_ALONGSIDE_AND_CRASH,
        None,
    ),
    **{
        f"test_every_ltl_property_holds_under_network_faults_and_a_crash[{formula}]": (
            NETWORK_AND_CRASH,
            formula,
        )
        for formula in LTL_FORMULAS
    },
    "test_no_order_stays_pending_forever_when_a_client_retries_alongside": (
        RETRY_ALONGSIDE_AND_CRASH,
        "no_order_pending_forever",
    ),
}
"""Each exhaustive search, by the name of the test that asserts it holds."""


class BackgroundSearches:
    """Searches run one after another in a worker thread, in the order they were started."""

    def __init__(self) -> None:
        self._workdir = Path(tempfile.mkdtemp(prefix="saga-model-"))
        self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spin")
        self._searches: dict[str, Future[Search]] = {}

    def start(self, test: str, niceness: int = 19) -> None:
        """Queue the search `test` asserts, unless it is queued already."""
        if test not in self._searches:
            bounds, ltl = SEARCHES[test]
            workdir = self._workdir / str(len(self._searches))
            self._searches[test] = self._runner.submit(
                verify, workdir, bounds, ltl=ltl, niceness=niceness
            )

    def result(self, test: str) -> Search:
        """What the search of `test` found, once it has run (started now if it was not)."""
        self.start(test, niceness=0)
        return self._searches[test].result()

    def close(self) -> None:
        """Drop the searches not begun, wait for the one running, remove their files."""
        self._runner.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._workdir, ignore_errors=True)


BACKGROUND = BackgroundSearches()
