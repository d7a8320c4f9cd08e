"""The catalog's domain: products, their SKU codes and the rules on their prices."""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

SKU_MAX_LENGTH = 64
FALLBACK_SKU = "product"
"""The SKU derived from a name with no letter or digit in it."""

_NOT_SKU_CHARACTERS = re.compile(r"[^a-z0-9_]+")


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


def sku_from_name(name: str, suffix: str = "") -> str:
    """The SKU of a product created without one: ``"Café Mug (red)"`` -> ``"cafe_mug_red"``.

    Lower-case ``[a-z0-9_]`` only (accents dropped, any other run of characters one ``_``),
    at most 64 characters; `suffix`, when given, follows an ``_`` within those 64.
    """
    # NFKD splits "é" into "e" and its accent, which the ASCII encoding then drops.
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    base = _NOT_SKU_CHARACTERS.sub("_", ascii_name).strip("_") or FALLBACK_SKU
    if suffix:
        return f"{base[: SKU_MAX_LENGTH - len(suffix) - 1].rstrip('_')}_{suffix}"
    return base[:SKU_MAX_LENGTH].rstrip("_")


def new_sku_suffix() -> str:
    """Four random hex digits, to tell apart products whose names give the same SKU."""
    return secrets.token_hex(2)
