"""Money: Decimal in the domain, integer minor units in stores (wire types: shopkit.schemas)."""

from decimal import Decimal

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
