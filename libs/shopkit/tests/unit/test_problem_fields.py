import pytest

from shopkit.errors import _field_path
from shopkit.metrics import outcome_of


@pytest.mark.parametrize(
    ("loc", "field"),
    [
        (("body", "price"), "price"),
        (("body", "orderLineItemsDtoList", 0, "price"), "orderLineItemsDtoList[0].price"),
        (("query", "skuCode"), "skuCode"),
        (("path", "sku_code"), "sku_code"),
        (("body",), ""),
    ],
)
def test_a_validation_error_names_the_field_as_a_client_wrote_it(
    loc: tuple[str | int, ...], field: str
) -> None:
    assert _field_path(loc) == field


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (101, "INFORMATIONAL"),
        (201, "SUCCESS"),
        (304, "REDIRECTION"),
        (409, "CLIENT_ERROR"),
        (503, "SERVER_ERROR"),
        (999, "UNKNOWN"),
    ],
)
def test_each_status_maps_to_micrometers_outcome(status: int, outcome: str) -> None:
    assert outcome_of(status) == outcome
