import pytest

from inventory_service import service
from inventory_service.domain import ReservationItem, merge_items
from inventory_service.ports import IgnoreOutcomes


def test_items_are_merged_per_sku_and_ordered_by_sku() -> None:
    items = [ReservationItem("b", 1), ReservationItem("a", 2), ReservationItem("b", 4)]

    assert merge_items(items) == (ReservationItem("a", 2), ReservationItem("b", 5))


@pytest.mark.parametrize("items", [[], [ReservationItem("a", 0)]], ids=["none", "zero"])
async def test_a_reservation_must_take_at_least_one_unit(items: list[ReservationItem]) -> None:
    class Untouched:
        async def reserve(self, *_: object) -> None:
            raise AssertionError("nothing may be reserved")

    with pytest.raises(ValueError, match="at least one unit"):
        await service.reserve_stock(Untouched(), IgnoreOutcomes(), "order", items)  # type: ignore[arg-type]
