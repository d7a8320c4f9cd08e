"""SKU codes: the identifier that ties a product to its stock across every service."""

import re
from typing import Annotated

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints

SKU_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
MAX_SKUS_PER_LOOKUP = 100

SkuCode = Annotated[str, StringConstraints(pattern=SKU_PATTERN)]


def _invalid(message: str, value: object) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", "skuCode"), "msg": message, "input": value}]
    )


# Dependencies are `async def` throughout: FastAPI runs a plain `def` dependency in a worker
# thread, which cost a third of a request's time in the profile (docs/performance.md).
async def sku_codes_query(
    sku_code: Annotated[
        list[str] | None,
        Query(alias="skuCode", description="Repeat it, or separate codes by commas."),
    ] = None,
) -> list[str]:
    """SKU codes from ``?skuCode=a&skuCode=b`` or ``?skuCode=a,b``: each once, in request order."""
    requested = [part.strip() for value in sku_code or [] for part in value.split(",")]
    codes = list(dict.fromkeys(code for code in requested if code))
    if not codes:
        raise _invalid("at least one skuCode is required", sku_code)
    if len(codes) > MAX_SKUS_PER_LOOKUP:
        raise _invalid(f"at most {MAX_SKUS_PER_LOOKUP} skuCodes per request", len(codes))
    bad = [code for code in codes if not re.fullmatch(SKU_PATTERN, code)]
    if bad:
        raise _invalid(f"not a valid SKU code (pattern {SKU_PATTERN}): {', '.join(bad)}", bad)
    return codes
