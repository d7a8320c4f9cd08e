from decimal import Decimal

import pytest

from product_service import service
from product_service.adapters.page_cache import PageCachingRepository
from product_service.domain import Product
from product_service.ports import ProductRepository
from testkit.clock import ManualClock

from .conftest import FakeProductRepository


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cached(products: FakeProductRepository, clock: ManualClock) -> PageCachingRepository:
    return PageCachingRepository(products, max_age_seconds=1, clock=clock)


def skus(page: list[Product]) -> list[str]:
    return [product.sku_code for product in page]


async def add(products: ProductRepository, sku_code: str) -> None:
    await service.create_product(
        products, sku_code=sku_code, name=sku_code, description="", price=Decimal("1.00")
    )


async def test_a_product_added_through_the_cache_is_listed_at_once(
    cached: PageCachingRepository,
) -> None:
    await add(cached, "mug")
    assert skus(await service.list_products(cached, page=0, size=10)) == ["mug"]

    await add(cached, "tea")

    assert skus(await service.list_products(cached, page=0, size=10)) == ["mug", "tea"]


async def test_a_product_added_elsewhere_is_listed_once_the_page_is_older_than_its_age(
    cached: PageCachingRepository, products: FakeProductRepository, clock: ManualClock
) -> None:
    await add(cached, "mug")
    await service.list_products(cached, page=0, size=10)
    await add(products, "tea")  # another replica, straight into the shared store

    clock.now += 0.9
    assert skus(await service.list_products(cached, page=0, size=10)) == ["mug"]
    clock.now += 0.1
    assert skus(await service.list_products(cached, page=0, size=10)) == ["mug", "tea"]


async def test_pages_of_different_sizes_are_remembered_apart(
    cached: PageCachingRepository,
) -> None:
    for sku in ("a", "b", "c"):
        await add(cached, sku)

    assert skus(await service.list_products(cached, page=0, size=2)) == ["a", "b"]
    assert skus(await service.list_products(cached, page=1, size=2)) == ["c"]
    assert skus(await service.list_products(cached, page=0, size=3)) == ["a", "b", "c"]


async def test_changing_a_returned_page_does_not_change_the_remembered_one(
    cached: PageCachingRepository,
) -> None:
    await add(cached, "mug")
    (await service.list_products(cached, page=0, size=10)).clear()

    assert skus(await service.list_products(cached, page=0, size=10)) == ["mug"]


async def test_past_its_bound_the_cache_starts_afresh_instead_of_growing(
    products: FakeProductRepository, clock: ManualClock
) -> None:
    cached = PageCachingRepository(products, max_age_seconds=1, clock=clock, max_products=2)
    for sku in ("a", "b"):
        await add(cached, sku)
    assert skus(await service.list_products(cached, page=0, size=3)) == ["a", "b"]
    await add(products, "c")  # elsewhere: while remembered, page 0 would not show it

    await service.list_products(cached, page=5, size=3)  # empty, yet it takes room: over

    assert skus(await service.list_products(cached, page=0, size=3)) == ["a", "b", "c"]
