"""The product API's request and response bodies (the reference system's JSON shape)."""

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

    @classmethod
    def of(cls, product: Product) -> "ProductResponse":
        return cls(
            id=product.id,
            name=product.name,
            description=product.description,
            price=product.price,
            sku_code=product.sku_code,
        )
