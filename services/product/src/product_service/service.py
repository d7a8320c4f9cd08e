"""Catalog use cases."""

from collections.abc import Sequence
from decimal import Decimal

from product_service.domain import (
    DuplicateSkuError,
    Product,
    ProductNotFoundError,
    new_product_id,
    new_sku_suffix,
    sku_from_name,
)
from product_service.ports import ProductRepository
from shopkit.money import to_minor_units

SUFFIXED_SKU_ATTEMPTS = 5
"""How many random suffixes a derived SKU that is taken tries before it is refused."""


async def create_product(
    products: ProductRepository,
    *,
    sku_code: str | None = None,
    name: str,
    description: str,
    price: Decimal,
) -> Product:
    """Add a product to the catalog. A given SKU must be new; without one, the SKU is
    derived from the name, with a random suffix when the name's SKU is taken."""
    to_minor_units(price)  # the price rule holds whatever the caller validated
    if sku_code is not None:
        return await _add(products, sku_code, name, description, price)
    *first_choices, last_choice = [sku_from_name(name)] + [
        sku_from_name(name, new_sku_suffix()) for _ in range(SUFFIXED_SKU_ATTEMPTS)
    ]
    for choice in first_choices:
        try:
            return await _add(products, choice, name, description, price)
        except DuplicateSkuError:
            continue
    return await _add(products, last_choice, name, description, price)


async def _add(
    products: ProductRepository, sku_code: str, name: str, description: str, price: Decimal
) -> Product:
    product = Product(
        id=new_product_id(), sku_code=sku_code, name=name, description=description, price=price
    )
    await products.add(product)
    return product


async def get_product(products: ProductRepository, product_id: str) -> Product:
    product = await products.get(product_id)
    if product is None:
        raise ProductNotFoundError(product_id)
    return product


async def list_products(products: ProductRepository, *, page: int, size: int) -> list[Product]:
    """One page of the catalog, ordered by SKU code."""
    return await products.list_page(offset=page * size, limit=size)


async def products_by_sku(products: ProductRepository, sku_codes: Sequence[str]) -> list[Product]:
    """The known products among `sku_codes`, in the order asked; unknown SKUs are left out."""
    found = {product.sku_code: product for product in await products.find_by_skus(sku_codes)}
    return [found[code] for code in sku_codes if code in found]
