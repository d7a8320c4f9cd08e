"""SKU codes: the identifier that ties a product to its stock across every service."""

import re
from typing import Annotated

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints

SKU_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
MAX_SKUS_PER_LOOKUP = 100

SkuCode = Annotated[str, StringConstraints(pattern=SKU_PATTERN)]

_SKU = SKU_PATTERN.strip("^$")
SKU_LIST_PATTERN = f"^{_SKU}(,{_SKU})*$"
"""One ``skuCode`` query value: a code, or codes separated by commas."""


def _invalid(message: str, value: object) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", "skuCode"), "msg": message, "input": value}]
    )


# Dependencies are `async def` throughout: FastAPI runs a plain `def` dependency in a worker
# thread, which cost a third of a request's time in the profile (docs/performance.md).
async def sku_codes_query(
    sku_code: Annotated[
        list[str],
        Query(
            alias="skuCode",
            description="Repeat it, or separate codes by commas.",
            # Documented as checked below: the codes are split on commas first.
            json_schema_extra={
                "items": {"type": "string", "pattern": SKU_LIST_PATTERN},
                "minItems": 1,
                "maxItems": MAX_SKUS_PER_LOOKUP,
            },
        ),
    ],
) -> list[str]:
    """SKU codes from ``?skuCode=a&skuCode=b`` or ``?skuCode=a,b``: each once, in request order."""
    requested = [part for value in sku_code for part in value.split(",")]
    if len(requested) > MAX_SKUS_PER_LOOKUP:
        raise _invalid(f"at most {MAX_SKUS_PER_LOOKUP} skuCodes per request", len(requested))
    codes = list(dict.fromkeys(requested))
    bad = [code for code in codes if not re.fullmatch(SKU_PATTERN, code)]
    if bad:
        raise _invalid(f"not a valid SKU code (pattern {SKU_PATTERN}): {', '.join(bad)}", bad)
    return codes
