"""FastAPI dependencies of the product API."""

from typing import Annotated

from fastapi import Depends, Query, Request

from product_service.ports import ProductRepository


async def get_products(request: Request) -> ProductRepository:
    repository: ProductRepository = request.app.state.products
    return repository


Products = Annotated[ProductRepository, Depends(get_products)]
Page = Annotated[int, Query(ge=0, le=1_000_000, description="Page number, from 0")]
Size = Annotated[int, Query(ge=1, le=1000, description="Products per page")]
