"""What the catalog needs from a store."""

from collections.abc import Sequence
from typing import Protocol

from product_service.domain import Product


class ProductRepository(Protocol):
    async def add(self, product: Product) -> None:
        """Store a new product; raise DuplicateSkuError if its SKU is taken."""

    async def get(self, product_id: str) -> Product | None: ...

    async def find_by_skus(self, sku_codes: Sequence[str]) -> list[Product]:
        """The products whose SKU is one of `sku_codes`, in any order."""

    async def list_page(self, offset: int, limit: int) -> list[Product]:
        """Products ordered by SKU code."""

    async def count(self) -> int: ...
