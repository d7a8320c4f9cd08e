"""Catalog prices remembered for a while, so most orders cost no call to the catalog."""

import time
from collections.abc import Callable, Sequence
from decimal import Decimal

from order_service.ports import Catalog

# Only SKUs the catalog knows are remembered; past this many, start afresh rather than let a
# huge catalog grow the process without bound.
MAX_REMEMBERED_PRICES = 50_000


class CachedCatalog:
    """Answers from prices fetched less than `max_age_seconds` ago, and asks `catalog`
    for the rest, or for all when `fresh`.

    Unknown SKUs are never remembered, so a product is orderable as soon as it exists.
    """

    def __init__(
        self,
        catalog: Catalog,
        max_age_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_REMEMBERED_PRICES,
    ) -> None:
        self._catalog = catalog
        self._max_entries = max_entries
        self._max_age = max_age_seconds
        self._clock = clock
        self._known: dict[str, tuple[Decimal, float]] = {}

    async def prices(self, sku_codes: Sequence[str], *, fresh: bool = False) -> dict[str, Decimal]:
        now = self._clock()
        remembered = {} if fresh else self._remembered(sku_codes, now)
        missing = [sku for sku in sku_codes if sku not in remembered]
        if not missing:
            return remembered
        fetched = await self._catalog.prices(missing, fresh=True)
        if len(self._known) + len(fetched) > self._max_entries:
            self._known.clear()
        self._known.update({sku: (price, now) for sku, price in fetched.items()})
        return remembered | fetched

    def _remembered(self, sku_codes: Sequence[str], now: float) -> dict[str, Decimal]:
        found = {}
        for sku in sku_codes:
            entry = self._known.get(sku)
            if entry is not None and now - entry[1] < self._max_age:
                found[sku] = entry[0]
        return found
