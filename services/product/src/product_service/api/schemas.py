"""The product API's request and response bodies (the reference system's JSON shape)."""

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from product_service.domain import Product
from shopkit.money import Price
from shopkit.skus import SkuCode


class ProductRequest(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    price: Price
    sku_code: SkuCode


class ProductResponse(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

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
