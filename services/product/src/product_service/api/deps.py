"""What the product routes take: the one typed dependency, and their typed parameters."""

from typing import Annotated

from fastapi import Depends, Query, Request

from product_service.bootstrap import ProductDependencies
from shopkit.skus import sku_codes_query
from shopkit.wiring import dependencies_of


# `async def`: FastAPI runs a plain `def` dependency in a worker thread (docs/performance.md).
async def _dependencies(request: Request) -> ProductDependencies:
    return dependencies_of(request, ProductDependencies)


Dependencies = Annotated[ProductDependencies, Depends(_dependencies)]
"""The catalog the bootstrap wired."""

Page = Annotated[int, Query(ge=0, le=1_000_000, description="Page number, from 0")]
Size = Annotated[int, Query(ge=1, le=1000, description="Products per page")]
SkuCodes = Annotated[list[str], Depends(sku_codes_query)]
"""``?skuCode=a&skuCode=b`` or ``?skuCode=a,b``: each once, in request order."""
