"""Catalog pages remembered for a moment: the catalog is read far more often than written."""

import time
from collections.abc import Callable, Sequence

from product_service.domain import Product
from product_service.ports import ProductRepository

# Pages are keyed by (offset, limit), which clients choose: past this many products
# remembered in all, start afresh rather than let paging through a big catalog grow the
# process without bound.
MAX_REMEMBERED_PRODUCTS = 10_000


class PageCachingRepository:
    """A ProductRepository that answers `list_page` from pages read less than
    `max_age_seconds` ago.

    Adding a product through it forgets every page, so this process lists a new product
    at once; another replica lists it within `max_age_seconds`.
    """

    def __init__(
        self,
        products: ProductRepository,
        max_age_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_products: int = MAX_REMEMBERED_PRODUCTS,
    ) -> None:
        self._products = products
        self._max_products = max_products
        self._weight = 0  # products remembered in all pages
        self._max_age = max_age_seconds
        self._clock = clock
        self._pages: dict[tuple[int, int], tuple[list[Product], float]] = {}
        # Bumped by every add: a page read while a product was being added is not kept.
        self._generation = 0

    async def add(self, product: Product) -> None:
        self._generation += 1
        try:
            await self._products.add(product)
        finally:
            self._generation += 1
            self._forget_all()

    async def get(self, product_id: str) -> Product | None:
        return await self._products.get(product_id)

    async def find_by_skus(self, sku_codes: Sequence[str]) -> list[Product]:
        return await self._products.find_by_skus(sku_codes)

    async def count(self) -> int:
        return await self._products.count()

    async def list_page(self, offset: int, limit: int) -> list[Product]:
        now = self._clock()
        remembered = self._pages.get((offset, limit))
        if remembered is not None and now - remembered[1] < self._max_age:
            return list(remembered[0])
        generation = self._generation
        page = await self._products.list_page(offset, limit)
        if generation == self._generation:
            self._remember((offset, limit), page, now)
        return list(page)

    def _remember(self, key: tuple[int, int], page: list[Product], now: float) -> None:
        replaced = self._pages.pop(key, None)
        if replaced is not None:
            self._weight -= _weight(replaced[0])
        if self._weight + _weight(page) > self._max_products:
            self._forget_all()
        self._pages[key] = (page, now)
        self._weight += _weight(page)

    def _forget_all(self) -> None:
        self._pages.clear()
        self._weight = 0


def _weight(page: list[Product]) -> int:
    # An empty page (an offset past the end) still takes room.
    return max(1, len(page))
