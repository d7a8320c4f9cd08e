"""HTTP routes of the product service: the reference contract plus lookups and paging."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from product_service import service
from product_service.api.deps import Page, Products, Size
from product_service.api.schemas import ProductRequest, ProductResponse
from product_service.domain import DuplicateSkuError, ProductNotFoundError
from shopkit.errors import Problem
from shopkit.routing import ExactDecimalRoute
from shopkit.skus import sku_codes_query

router = APIRouter(prefix="/api/product", tags=["product"], route_class=ExactDecimalRoute)


@router.post("/create", status_code=201)
async def create_product(body: ProductRequest, products: Products) -> ProductResponse:
    try:
        product = await service.create_product(
            products,
            sku_code=body.sku_code,
            name=body.name,
            description=body.description,
            price=body.price,
        )
    except DuplicateSkuError as exc:
        raise Problem(
            409, "duplicate-sku", "Duplicate SKU", str(exc), skuCode=exc.sku_code
        ) from exc
    return ProductResponse.of(product)


@router.get("/allProducts", response_model=list[ProductResponse])
async def all_products(products: Products, page: Page = 0, size: Size = 100) -> Response:
    """One page of the catalog, by SKU code."""
    return ProductResponse.many(await service.list_products(products, page=page, size=size))


@router.get("", response_model=list[ProductResponse])
async def products_by_sku(
    products: Products,
    sku_codes: Annotated[list[str], Depends(sku_codes_query)],
) -> Response:
    """The products with the given SKU codes, in request order; unknown codes are left out."""
    return ProductResponse.many(await service.products_by_sku(products, sku_codes))


@router.get("/{product_id}")
async def get_product(product_id: str, products: Products) -> ProductResponse:
    try:
        return ProductResponse.of(await service.get_product(products, product_id))
    except ProductNotFoundError as exc:
        raise Problem(404, "product-not-found", "Product not found", str(exc)) from exc
