"""Inventory use cases."""

from collections.abc import Sequence

from inventory_service.domain import MAX_QUANTITY, StockLevel
from inventory_service.ports import StockRepository


async def check_stock(stock: StockRepository, sku_codes: Sequence[str]) -> list[StockLevel]:
    """One level per requested SKU, in request order; an unknown SKU has none in stock."""
    known = await stock.quantities(sku_codes)
    return [StockLevel(code, known.get(code, 0)) for code in sku_codes]


async def set_stock(stock: StockRepository, sku_code: str, quantity: int) -> StockLevel:
    """Set how many units of `sku_code` are in stock."""
    if not 0 <= quantity <= MAX_QUANTITY:
        raise ValueError(f"quantity must be between 0 and {MAX_QUANTITY}, not {quantity}")
    await stock.set_quantity(sku_code, quantity)
    return StockLevel(sku_code, quantity)
