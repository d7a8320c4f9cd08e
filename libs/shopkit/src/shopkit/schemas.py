"""What every service's request and response bodies share: camelCase names, money as numbers."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """A body whose fields are snake_case in Python and camelCase on the wire (both accepted)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


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
