"""The gateway's rate limits are read in the limits library's notation, and checked."""

import pytest
from pydantic import ValidationError

from gateway.config import Settings


def test_the_default_limits_are_generous() -> None:
    settings = Settings()
    assert (settings.rate_limit_writes, settings.rate_limit_sign_in) == ("600/minute", "120/minute")


@pytest.mark.parametrize("rate", ["often", "0/minute", "10/fortnight"])
def test_a_rate_that_is_not_one_stops_the_start(rate: str) -> None:
    with pytest.raises(ValidationError, match="a rate such as"):
        Settings(rate_limit_writes=rate)
