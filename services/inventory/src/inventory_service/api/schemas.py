"""The inventory API's request and response bodies."""

from uuid import UUID

import orjson
from fastapi import Response
from pydantic import ConfigDict, Field

from inventory_service.domain import (
    MAX_QUANTITY,
    Reservation,
    ReservationStatus,
    StockLevel,
)
from shopkit.reservations import MAX_LINE_QUANTITY, MAX_LINES
from shopkit.schemas import CamelModel, WholeNumber
from shopkit.skus import SkuCode


class StockUpdate(CamelModel):
    quantity: WholeNumber = Field(ge=0, le=MAX_QUANTITY)


class StockResponse(CamelModel):
    sku_code: str
    is_in_stock: bool
    quantity: int

    @classmethod
    def of(cls, level: StockLevel) -> "StockResponse":
        return cls.model_construct(
            sku_code=level.sku_code, is_in_stock=level.is_in_stock, quantity=level.quantity
        )

    @staticmethod
    def many(levels: list[StockLevel]) -> Response:
        """A list answered straight as JSON, as the catalog's is: validating and serialising
        a model per SKU was most of a stock check's time (docs/performance.md)."""
        return Response(
            orjson.dumps(
                [
                    {"skuCode": s.sku_code, "isInStock": s.is_in_stock, "quantity": s.quantity}
                    for s in levels
                ]
            ),
            media_type="application/json",
        )


class ReservationItemBody(CamelModel):
    sku_code: SkuCode
    quantity: WholeNumber = Field(ge=1, le=MAX_LINE_QUANTITY)


class ReservationRequest(CamelModel):
    # Read by its camelCase names only, as it always was: `order_number` is still a 422.
    model_config = ConfigDict(populate_by_name=False)

    order_number: UUID
    items: list[ReservationItemBody] = Field(min_length=1, max_length=MAX_LINES)


class ShortageBody(CamelModel):
    sku_code: str
    requested: int
    available: int


class ReservationResponse(CamelModel):
    order_number: str
    status: ReservationStatus
    items: list[ReservationItemBody]
    shortages: list[ShortageBody]

    @classmethod
    def of(cls, reservation: Reservation) -> "ReservationResponse":
        return cls.model_construct(
            order_number=reservation.order_number,
            status=reservation.status,
            items=[
                ReservationItemBody.model_construct(sku_code=i.sku_code, quantity=i.quantity)
                for i in reservation.items
            ],
            shortages=[
                ShortageBody.model_construct(
                    sku_code=s.sku_code, requested=s.requested, available=s.available
                )
                for s in reservation.shortages
            ],
        )
