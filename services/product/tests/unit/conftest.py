from collections.abc import Sequence

import pytest

from product_service.domain import DuplicateSkuError, Product


class FakeProductRepository:
    """An in-memory catalog that keeps the store contract (see the integration contract tests)."""

    def __init__(self) -> None:
        self._by_id: dict[str, Product] = {}

    async def add(self, product: Product) -> None:
        if any(p.sku_code == product.sku_code for p in self._by_id.values()):
            raise DuplicateSkuError(product.sku_code)
        self._by_id[product.id] = product

    async def get(self, product_id: str) -> Product | None:
        return self._by_id.get(product_id)

    async def find_by_skus(self, sku_codes: Sequence[str]) -> list[Product]:
        return [p for p in self._by_id.values() if p.sku_code in sku_codes]

    async def list_page(self, offset: int, limit: int) -> list[Product]:
        ordered = sorted(self._by_id.values(), key=lambda p: p.sku_code)
        return ordered[offset : offset + limit]

    async def count(self) -> int:
        return len(self._by_id)


@pytest.fixture
def products() -> FakeProductRepository:
    return FakeProductRepository()
