"""HTTP routes of the inventory service."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from inventory_service import service
from inventory_service.api.deps import Stock
from inventory_service.api.schemas import StockResponse, StockUpdate
from shopkit.skus import SKU_PATTERN, sku_codes_query

router = APIRouter(prefix="/api/inventory", tags=["inventory"])


@router.get("", response_model=list[StockResponse])
async def check_stock(
    stock: Stock, sku_codes: Annotated[list[str], Depends(sku_codes_query)]
) -> Response:
    """Stock of each requested SKU once, in request order; unknown SKUs read 0."""
    return StockResponse.many(await service.check_stock(stock, sku_codes))


@router.put("/{sku_code}")
async def set_stock(
    sku_code: Annotated[str, Path(pattern=SKU_PATTERN)], body: StockUpdate, stock: Stock
) -> StockResponse:
    """Set the stock of a SKU, creating it if new."""
    return StockResponse.of(await service.set_stock(stock, sku_code, body.quantity))
