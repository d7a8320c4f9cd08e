"""The product API's request and response bodies (the reference system's JSON shape)."""

import orjson
from fastapi import Response
from pydantic import ConfigDict, Field

from product_service.domain import Product
from shopkit.schemas import CamelModel, Price, Prose, Text
from shopkit.skus import SkuCode


class ProductRequest(CamelModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: Text = Field(min_length=1, max_length=200)
    description: Prose = Field(default="", max_length=2000)
    price: Price
    # The reference system's frontend sends none: the catalog derives one from the name.
    sku_code: SkuCode | None = Field(
        default=None,
        description="Left out, it is derived from the name (e.g. iphone_13), suffixed when taken.",
    )


class ProductResponse(CamelModel):
    id: str
    name: str
    description: str
    price: Price
    sku_code: str

    @staticmethod
    def many(products: list[Product]) -> Response:
        """A list answered straight as JSON: the catalog's hot path, where building and
        re-validating a model per product was most of the time (docs/performance.md)."""
        return Response(
            orjson.dumps(
                [
                    {
                        "id": p.id,
                        "name": p.name,
                        "description": p.description,
                        "price": float(p.price),
                        "skuCode": p.sku_code,
                    }
                    for p in products
                ]
            ),
            media_type="application/json",
        )

    @classmethod
    def of(cls, product: Product) -> "ProductResponse":
        # Built without validation: the store's data already keeps every rule.
        return cls.model_construct(
            id=product.id,
            name=product.name,
            description=product.description,
            price=product.price,
            sku_code=product.sku_code,
        )
