"""The order API's bodies: the reference system's request, in both its forms; a JSON answer."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from order_service.domain import Order, OrderStatus
from order_service.service import PlacedOrder
from shopkit.reservations import MAX_LINE_QUANTITY, MAX_LINES
from shopkit.schemas import Amount, CamelModel, Price, WholeNumber
from shopkit.skus import SkuCode

# The two names the reference system gives an order's lines (its frontend sends the second).
DTO_LIST = "orderLineItemsDtoList"
LIST_DTO = "orderLineItemsListDto"


class OrderLineRequest(CamelModel):
    # The reference system's clients also send an `id`; unknown fields are ignored.
    sku_code: SkuCode
    price: Price | None = Field(
        default=None,
        description="The price the client was shown; without it, the catalog's price applies.",
    )
    quantity: WholeNumber = Field(ge=1, le=MAX_LINE_QUANTITY)


OrderLines = Annotated[list[OrderLineRequest], Field(min_length=1, max_length=MAX_LINES)]


class OrderRequest(CamelModel):
    """The lines under either of the names the reference system uses, never both."""

    # Documented as the validator below decides: one of the two names carries the lines.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "array"}}}
                for name in (DTO_LIST, LIST_DTO)
            ]
        }
    )

    order_line_items_dto_list: OrderLines | None = Field(default=None, description="The lines.")
    order_line_items_list_dto: OrderLines | None = Field(
        default=None, description="The lines, as the reference frontend names them."
    )

    @field_validator("order_line_items_dto_list", "order_line_items_list_dto")
    @classmethod
    def one_price_per_sku(
        cls, lines: list[OrderLineRequest] | None
    ) -> list[OrderLineRequest] | None:
        prices: dict[str, object] = {}
        for line in lines or ():
            if prices.setdefault(line.sku_code, line.price) != line.price:
                raise ValueError(f"lines for {line.sku_code} carry different prices")
        return lines

    @model_validator(mode="after")
    def exactly_one_list(self) -> Self:
        lists = {DTO_LIST: self.order_line_items_dto_list, LIST_DTO: self.order_line_items_list_dto}
        given = [name for name, lines in lists.items() if lines is not None]
        if not given:
            raise _invalid("missing", [DTO_LIST])
        if len(given) > 1:
            message = f"give the lines as {DTO_LIST} or as {LIST_DTO}, not both"
            raise _invalid(PydanticCustomError("one_list_of_lines", message), given)
        return self

    @property
    def lines(self) -> list[OrderLineRequest]:
        """The lines, under whichever name the client sent them."""
        lines = self.order_line_items_dto_list or self.order_line_items_list_dto
        assert lines is not None, "exactly_one_list lets no request without lines through"
        return lines


def _invalid(error: str | PydanticCustomError, fields: list[str]) -> ValidationError:
    # A ValidationError raised in a validator keeps its locations: the problem names the
    # field, where a plain ValueError would name only the body.
    return ValidationError.from_exception_data(
        OrderRequest.__name__,
        [InitErrorDetails(type=error, loc=(field,), input=None) for field in fields],
    )


class OrderLineResponse(CamelModel):
    sku_code: str
    price: Price
    quantity: int


class OrderResponse(CamelModel):
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


class PlacedOrderResponse(OrderResponse):
    guest_secret: str | None = Field(
        default=None,
        description="A guest order's secret, answered this once: send it as Order-Secret to "
        "read or cancel the order. Absent for a signed-in customer's order.",
    )

    @classmethod
    def placed(cls, placed: PlacedOrder) -> "PlacedOrderResponse":
        answer = OrderResponse.of(placed.order)
        return cls.model_construct(**dict(answer), guest_secret=placed.guest_secret)
