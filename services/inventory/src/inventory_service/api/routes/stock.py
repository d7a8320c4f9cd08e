"""HTTP routes for stock levels: how much of each SKU is in stock.

Anyone may check stock (the shop shows it beside each product); only admins set it.
"""

from fastapi import APIRouter, Response

from inventory_service import service
from inventory_service.api.deps import Dependencies, SkuCodeInPath, SkuCodes
from inventory_service.api.schemas import StockResponse, StockUpdate
from shopkit.auth import public, role
from shopkit.routing import StrictJsonRoute

router = APIRouter(prefix="/api/inventory", tags=["inventory"], route_class=StrictJsonRoute)


@router.get("", response_model=list[StockResponse], dependencies=[public])
async def check_stock(dependencies: Dependencies, sku_codes: SkuCodes) -> Response:
    """Stock of each requested SKU once, in request order; unknown SKUs read 0."""
    return StockResponse.many(await service.check_stock(dependencies.stock, sku_codes))


@router.put("/{sku_code}", dependencies=[role("admin")])
async def set_stock(
    sku_code: SkuCodeInPath, body: StockUpdate, dependencies: Dependencies
) -> StockResponse:
    """Set the stock of a SKU, creating it if new."""
    level = await service.set_stock(dependencies.stock, sku_code, body.quantity)
    return StockResponse.of(level)
