"""What the inventory's routes take: the one typed dependency, and their typed parameters."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Request

from inventory_service.bootstrap import InventoryDependencies
from shopkit.skus import SKU_PATTERN, sku_codes_query
from shopkit.wiring import dependencies_of


# `async def`: FastAPI runs a plain `def` dependency in a worker thread (docs/performance.md).
async def _dependencies(request: Request) -> InventoryDependencies:
    return dependencies_of(request, InventoryDependencies)


Dependencies = Annotated[InventoryDependencies, Depends(_dependencies)]
"""The stores and the outcomes port the bootstrap wired."""

OrderNumber = Annotated[UUID, Path(alias="orderNumber")]
SkuCodeInPath = Annotated[str, Path(pattern=SKU_PATTERN)]
SkuCodes = Annotated[list[str], Depends(sku_codes_query)]
"""``?skuCode=a&skuCode=b`` or ``?skuCode=a,b``: each once, in request order."""
