"""What the inventory needs from a store."""

from collections.abc import Sequence
from typing import Protocol


class StockRepository(Protocol):
    async def quantities(self, sku_codes: Sequence[str]) -> dict[str, int]:
        """Quantity per known SKU among `sku_codes`; unknown SKUs are absent."""

    async def set_quantity(self, sku_code: str, quantity: int) -> None:
        """Set the stock of `sku_code`, creating the SKU if it is new."""

    async def count(self) -> int:
        """How many SKUs the inventory knows."""
