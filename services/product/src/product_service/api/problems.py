"""The product service's problem catalogue: how each domain error is answered."""

from collections.abc import Mapping

from product_service.domain import DuplicateSkuError, ProductNotFoundError
from shopkit.errors import ProblemCatalogue, ProblemType


def _taken_sku(exc: DuplicateSkuError) -> Mapping[str, str]:
    return {"skuCode": exc.sku_code}


# The details are the errors' own messages, as the API has always answered them.
PROBLEMS: ProblemCatalogue = [
    ProblemType(DuplicateSkuError, 409, "duplicate-sku", "Duplicate SKU", str, _taken_sku),
    ProblemType(ProductNotFoundError, 404, "product-not-found", "Product not found", str),
]
