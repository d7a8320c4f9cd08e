from collections.abc import Sequence

import pytest


class FakeStockRepository:
    """In-memory stock that keeps the store contract (see the integration contract tests)."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}

    async def quantities(self, sku_codes: Sequence[str]) -> dict[str, int]:
        return {code: self.levels[code] for code in sku_codes if code in self.levels}

    async def set_quantity(self, sku_code: str, quantity: int) -> None:
        self.levels[sku_code] = quantity

    async def count(self) -> int:
        return len(self.levels)

    async def count_below(self, threshold: int) -> int:
        return sum(quantity < threshold for quantity in self.levels.values())


@pytest.fixture
def stock() -> FakeStockRepository:
    return FakeStockRepository()
