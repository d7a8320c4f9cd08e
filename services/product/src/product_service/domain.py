"""The catalog's domain: products and the rules on their prices."""

import secrets
from dataclasses import dataclass
from decimal import Decimal


class DuplicateSkuError(Exception):
    def __init__(self, sku_code: str) -> None:
        super().__init__(f"a product with skuCode {sku_code!r} already exists")
        self.sku_code = sku_code


class ProductNotFoundError(Exception):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"no product with id {product_id!r}")
        self.product_id = product_id


@dataclass(frozen=True)
class Product:
    id: str
    sku_code: str
    name: str
    description: str
    price: Decimal


def new_product_id() -> str:
    """24 hex digits: the shape of the MongoDB ObjectIds the reference system returned."""
    return secrets.token_hex(12)
