import pytest

from inventory_service import service
from inventory_service.demo import DEMO_STOCK, seed_demo_stock
from inventory_service.domain import MAX_QUANTITY, StockLevel
from inventory_service.ports import StockRepository


async def test_each_requested_sku_is_answered_once_in_request_order(
    stock: StockRepository,
) -> None:
    await service.set_stock(stock, "a", 5)
    await service.set_stock(stock, "b", 0)

    levels = await service.check_stock(stock, ["b", "unknown", "a"])

    assert levels == [StockLevel("b", 0), StockLevel("unknown", 0), StockLevel("a", 5)]
    assert [level.is_in_stock for level in levels] == [False, False, True]


async def test_setting_stock_replaces_the_previous_quantity(stock: StockRepository) -> None:
    await service.set_stock(stock, "a", 5)
    await service.set_stock(stock, "a", 2)

    assert await service.check_stock(stock, ["a"]) == [StockLevel("a", 2)]


@pytest.mark.parametrize("quantity", [-1, MAX_QUANTITY + 1])
async def test_stock_outside_the_allowed_range_is_refused(
    stock: StockRepository, quantity: int
) -> None:
    with pytest.raises(ValueError, match="quantity"):
        await service.set_stock(stock, "a", quantity)

    assert await stock.count() == 0


async def test_demo_stock_is_seeded_only_into_an_empty_inventory(stock: StockRepository) -> None:
    assert await seed_demo_stock(stock) == len(DEMO_STOCK)
    await service.set_stock(stock, "iphone_13", 7)

    assert await seed_demo_stock(stock) == 0
    levels = await service.check_stock(stock, ["iphone_13", "iphone_13_red"])
    assert levels == [StockLevel("iphone_13", 7), StockLevel("iphone_13_red", 0)]
