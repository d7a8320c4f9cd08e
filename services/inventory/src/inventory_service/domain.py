"""The inventory's domain: how much of each SKU is in stock."""

from dataclasses import dataclass

MAX_QUANTITY = 1_000_000_000


@dataclass(frozen=True)
class StockLevel:
    sku_code: str
    quantity: int

    @property
    def is_in_stock(self) -> bool:
        return self.quantity > 0
