"""The order API's bodies: the reference system's request, a JSON answer."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from pydantic.alias_generators import to_camel

from order_service.domain import Order, OrderStatus
from shopkit.money import Amount, Price
from shopkit.skus import SkuCode

MAX_LINES = 100
MAX_LINE_QUANTITY = 1000


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class OrderLineRequest(_Camel):
    # The reference system's clients also send an `id`; unknown fields are ignored.
    sku_code: SkuCode
    price: Price
    quantity: StrictInt = Field(ge=1, le=MAX_LINE_QUANTITY)


class OrderRequest(_Camel):
    order_line_items_dto_list: list[OrderLineRequest] = Field(min_length=1, max_length=MAX_LINES)

    @field_validator("order_line_items_dto_list")
    @classmethod
    def one_price_per_sku(cls, lines: list[OrderLineRequest]) -> list[OrderLineRequest]:
        prices: dict[str, object] = {}
        for line in lines:
            if prices.setdefault(line.sku_code, line.price) != line.price:
                raise ValueError(f"lines for {line.sku_code} carry different prices")
        return lines


class OrderLineResponse(_Camel):
    sku_code: str
    price: Price
    quantity: int


class OrderResponse(_Camel):
    order_number: str
    status: OrderStatus
    items: list[OrderLineResponse]
    total: Amount
    created_at: datetime

    @classmethod
    def of(cls, order: Order) -> "OrderResponse":
        return cls.model_construct(
            order_number=order.order_number,
            status=order.status,
            items=[
                OrderLineResponse.model_construct(
                    sku_code=line.sku_code, price=line.price, quantity=line.quantity
                )
                for line in order.lines
            ],
            total=order.total,
            created_at=order.created_at,
        )
