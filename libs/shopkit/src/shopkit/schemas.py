"""What every service's request and response bodies share: camelCase names, money as numbers,
and free text without control or bidirectional-override characters."""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError


class CamelModel(BaseModel):
    """A body whose fields are snake_case in Python and camelCase on the wire (both accepted)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _whole_number(value: object) -> object:
    # JSON Schema's integer includes 3.0, and the OpenAPI documents say integer: a number
    # with a zero fraction is that integer; 3.5, "3" and true stay refused.
    if isinstance(value, Decimal | float) and not isinstance(value, bool) and value == int(value):
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number), Strict()]
"""An integer sent as a JSON number, ``3`` or ``3.0``; never a string or a boolean."""


def _json_number(value: object) -> object:
    # ExactDecimalRoute parses fractions as Decimal; a string or a boolean is the wrong type.
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("must be a JSON number")
    return value


PRICE_MAX_DIGITS = 12
PRICE_DECIMAL_PLACES = 2
PRICE_MAXIMUM = Decimal(10 ** (PRICE_MAX_DIGITS - PRICE_DECIMAL_PLACES)) - Decimal("0.01")

Price = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(gt=0, max_digits=PRICE_MAX_DIGITS, decimal_places=PRICE_DECIMAL_PLACES),
    PlainSerializer(float, return_type=float),
    # Pydantic documents a Decimal as "number or string" on the way in; the wire has only
    # numbers, with two places at most, in requests and responses alike.
    WithJsonSchema(
        {
            "type": "number",
            "multipleOf": 0.01,
            "exclusiveMinimum": 0,
            "maximum": float(PRICE_MAXIMUM),
            "examples": [19.99],
        }
    ),
]
"""A positive amount with at most 2 decimals, sent and received as a JSON number."""

Amount = Annotated[Decimal, PlainSerializer(float, return_type=float)]
"""A computed amount (a total), answered as a JSON number."""

# C0 and C1 controls (Unicode category Cc), and every character that reorders or hides how
# text reads (bidi embeddings, overrides, isolates and marks): stored, they make one name
# show as another ("Trojan Source"), or cut it short where a NUL ends a C string.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"


def _refused(allowed: str) -> str:
    # A character class of what is refused, written with \u escapes only: Python, Rust
    # (pydantic) and ECMA-262 (the OpenAPI pattern) read it alike.
    controls = "".join(f"\\u{c:04x}" for c in range(0x20) if chr(c) not in allowed)
    bidi = _BIDI_CONTROLS.encode("unicode_escape").decode()
    return controls + "\\u007f-\\u009f" + bidi


def _without_hidden_characters(allowed: str) -> AfterValidator:
    refused = re.compile(f"[{_refused(allowed)}]")

    def check(value: str) -> str:
        found = refused.search(value)
        if found is not None:
            raise PydanticCustomError(
                "hidden_character",
                "must not contain control or bidirectional characters "
                "(U+{code} at position {position})",
                {"code": f"{ord(found.group()):04X}", "position": found.start()},
            )
        return value

    return AfterValidator(check)


def _pattern(allowed: str) -> FieldInfo:
    # Documented only: the validator above refuses with a message that names the character.
    pattern: FieldInfo = Field(json_schema_extra={"pattern": f"^[^{_refused(allowed)}]*$"})
    return pattern


_PROSE_WHITESPACE = "\t\n"

Text = Annotated[str, _without_hidden_characters(""), _pattern("")]
"""One line of free text (a name, an e-mail address): no control character at all and no
bidi control; refused with a 422 validation error naming the first one."""

Prose = Annotated[str, _without_hidden_characters(_PROSE_WHITESPACE), _pattern(_PROSE_WHITESPACE)]
"""Free text in paragraphs (a description): tabs and line feeds, but no other control
character and no bidi control."""
