"""The inventory API's request and response bodies."""

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from pydantic.alias_generators import to_camel

from inventory_service.domain import MAX_QUANTITY, StockLevel


class StockUpdate(BaseModel):
    quantity: StrictInt = Field(ge=0, le=MAX_QUANTITY)


class StockResponse(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    sku_code: str
    is_in_stock: bool
    quantity: int

    @classmethod
    def of(cls, level: StockLevel) -> "StockResponse":
        return cls(sku_code=level.sku_code, is_in_stock=level.is_in_stock, quantity=level.quantity)
