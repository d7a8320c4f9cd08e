"""The products resource: the reference contract plus lookups and paging.

Reading the catalog is open to anyone (the shop shows it before sign-in); changing it is for
admins only.
"""

from fastapi import APIRouter, Response

from product_service import service
from product_service.api.deps import Dependencies, Page, Size, SkuCodes
from product_service.api.schemas import ProductRequest, ProductResponse
from product_service.domain import DuplicateSkuError, ProductNotFoundError
from shopkit.auth import public, role
from shopkit.openapi import raises
from shopkit.routing import ExactDecimalRoute

router = APIRouter(prefix="/api/product", tags=["product"], route_class=ExactDecimalRoute)


@router.post(
    "/create",
    status_code=201,
    dependencies=[role("admin")],
    openapi_extra=raises(DuplicateSkuError),
    responses={
        201: {
            "links": {
                "GetProduct": {
                    "operationId": "get_product_api_product__product_id__get",
                    "parameters": {"product_id": "$response.body#/id"},
                }
            }
        }
    },
)
async def create_product(body: ProductRequest, dependencies: Dependencies) -> ProductResponse:
    """Add a product; without a skuCode, its SKU is derived from its name."""
    product = await service.create_product(
        dependencies.products,
        sku_code=body.sku_code,
        name=body.name,
        description=body.description,
        price=body.price,
    )
    return ProductResponse.of(product)


@router.get("/allProducts", response_model=list[ProductResponse], dependencies=[public])
async def all_products(dependencies: Dependencies, page: Page = 0, size: Size = 100) -> Response:
    """One page of the catalog, by SKU code."""
    products = await service.list_products(dependencies.products, page=page, size=size)
    return ProductResponse.many(products)


@router.get("", response_model=list[ProductResponse], dependencies=[public])
async def products_by_sku(dependencies: Dependencies, sku_codes: SkuCodes) -> Response:
    """The products with the given SKU codes, in request order; unknown codes are left out."""
    return ProductResponse.many(await service.products_by_sku(dependencies.products, sku_codes))


@router.get("/{product_id}", dependencies=[public], openapi_extra=raises(ProductNotFoundError))
async def get_product(product_id: str, dependencies: Dependencies) -> ProductResponse:
    """One product, by its id."""
    return ProductResponse.of(await service.get_product(dependencies.products, product_id))
