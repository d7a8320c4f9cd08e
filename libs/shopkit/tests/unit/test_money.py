from decimal import Decimal

import pytest

from shopkit.money import from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("price", "cents"),
    [("0.01", 1), ("19.99", 1999), ("19.9", 1990), ("100", 10000), ("9999999999.99", 999999999999)],
)
def test_prices_convert_to_integer_cents_and_back_exactly(price: str, cents: int) -> None:
    assert to_minor_units(Decimal(price)) == cents
    assert from_minor_units(cents) == Decimal(price)


@pytest.mark.parametrize("price", ["0.001", "19.995", "0", "-0.01"])
def test_a_price_that_is_not_positive_whole_cents_has_no_minor_units(price: str) -> None:
    with pytest.raises(ValueError, match="at most 2 decimals"):
        to_minor_units(Decimal(price))
