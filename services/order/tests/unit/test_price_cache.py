from dataclasses import replace
from decimal import Decimal

import pytest

from order_service import service
from order_service.adapters.price_cache import CachedCatalog
from order_service.domain import OrderLine, OrderStatus, PriceChange, PriceChangedError
from order_service.service import Ordering
from testkit.clock import ManualClock

from .conftest import ALICE, FakeCatalog, placed

MUG = Decimal("12.50")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cached(catalog: FakeCatalog, clock: ManualClock) -> CachedCatalog:
    return CachedCatalog(catalog, max_age_seconds=5, clock=clock)


async def test_a_price_asked_again_within_its_age_costs_no_catalog_call(
    cached: CachedCatalog, catalog: FakeCatalog, clock: ManualClock
) -> None:
    await cached.prices(["mug"])
    clock.now += 4.9

    assert await cached.prices(["mug"]) == {"mug": MUG}
    assert catalog.lookups == 1


async def test_a_price_older_than_its_age_is_asked_for_again(
    cached: CachedCatalog, catalog: FakeCatalog, clock: ManualClock
) -> None:
    await cached.prices(["mug"])
    catalog.price_list["mug"] = Decimal("13.00")
    clock.now += 5

    assert await cached.prices(["mug"]) == {"mug": Decimal("13.00")}
    assert catalog.lookups == 2


async def test_a_fresh_lookup_always_asks_the_catalog(
    cached: CachedCatalog, catalog: FakeCatalog
) -> None:
    await cached.prices(["mug"])
    catalog.price_list["mug"] = Decimal("13.00")

    assert await cached.prices(["mug"], fresh=True) == {"mug": Decimal("13.00")}
    assert await cached.prices(["mug"]) == {"mug": Decimal("13.00")}


async def test_only_the_skus_not_remembered_are_asked_for(
    cached: CachedCatalog, catalog: FakeCatalog
) -> None:
    await cached.prices(["mug"])
    catalog.price_list["mug"] = Decimal("99.00")

    assert await cached.prices(["mug", "tea"]) == {"mug": MUG, "tea": Decimal("4.99")}


async def test_an_unknown_sku_is_not_remembered(
    cached: CachedCatalog, catalog: FakeCatalog
) -> None:
    assert await cached.prices(["kettle"]) == {}
    catalog.price_list["kettle"] = Decimal("30.00")

    assert await cached.prices(["kettle"]) == {"kettle": Decimal("30.00")}


async def test_an_order_at_a_price_newer_than_the_remembered_one_is_confirmed(
    ordering: Ordering, cached: CachedCatalog, catalog: FakeCatalog
) -> None:
    with_cache = replace(ordering, catalog=cached)
    await service.place_order(with_cache, ALICE, [OrderLine("mug", 1, MUG)])
    catalog.price_list["mug"] = Decimal("13.00")

    order = await placed(with_cache, ALICE, [OrderLine("mug", 1, Decimal("13.00"))])

    assert order.status is OrderStatus.CONFIRMED


async def test_a_price_refusal_is_judged_on_the_catalog_as_it_is_now(
    ordering: Ordering, cached: CachedCatalog, catalog: FakeCatalog
) -> None:
    with_cache = replace(ordering, catalog=cached)
    await service.place_order(with_cache, ALICE, [OrderLine("mug", 1, MUG)])
    catalog.price_list["mug"] = Decimal("13.00")

    with pytest.raises(PriceChangedError) as refused:
        await service.place_order(with_cache, ALICE, [OrderLine("mug", 1, Decimal("12.00"))])

    assert refused.value.changes == [PriceChange("mug", Decimal("12.00"), Decimal("13.00"))]


async def test_past_its_bound_the_cache_starts_afresh_instead_of_growing(
    catalog: FakeCatalog, clock: ManualClock
) -> None:
    cached = CachedCatalog(catalog, max_age_seconds=5, clock=clock, max_entries=1)
    await cached.prices(["mug"])
    await cached.prices(["tea"])  # forgets the mug

    await cached.prices(["mug"])

    assert catalog.lookups == 3
