"""Money: Decimal in the domain, integer minor units in stores, JSON numbers on the wire."""

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer

CENT = Decimal("0.01")


def to_minor_units(amount: Decimal) -> int:
    """19.99 -> 1999. Stores keep integer cents, so no store can round a price."""
    cents = amount / CENT
    if cents != cents.to_integral_value() or amount <= 0:
        raise ValueError(f"a price is positive with at most 2 decimals, not {amount}")
    return int(cents)


def from_minor_units(cents: int) -> Decimal:
    """1999 -> Decimal('19.99')."""
    return Decimal(cents).scaleb(-2)


def _json_number(value: object) -> object:
    # ExactDecimalRoute parses fractions as Decimal; a string or a boolean is the wrong type.
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("must be a JSON number")
    return value


Price = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(gt=0, max_digits=12, decimal_places=2, examples=[19.99]),
    PlainSerializer(float, return_type=float),
]
"""A positive amount with at most 2 decimals, sent and received as a JSON number."""

Amount = Annotated[Decimal, PlainSerializer(float, return_type=float)]
"""A computed amount (a total), answered as a JSON number."""
