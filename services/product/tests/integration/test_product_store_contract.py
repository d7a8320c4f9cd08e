"""One contract, every store: a behaviour difference between stores fails here."""

from decimal import Decimal

import pytest

from product_service.adapters.store import ProductStore, open_product_store
from product_service.domain import DuplicateSkuError, Product, new_product_id


def a_product(sku_code: str, price: str = "19.99", name: str = "Widget") -> Product:
    return Product(
        id=new_product_id(), sku_code=sku_code, name=name, description="d", price=Decimal(price)
    )


@pytest.mark.parametrize("price", ["0.01", "19.99", "0.10", "9999999999.99"])
async def test_prices_are_stored_exactly(product_store: ProductStore, price: str) -> None:
    product = a_product("sku-1", price)
    await product_store.repository.add(product)

    stored = await product_store.repository.get(product.id)

    assert stored == product
    assert stored is not None
    assert stored.price == Decimal(price)


async def test_names_keep_any_unicode_text(product_store: ProductStore) -> None:
    product = a_product("mug", name="Café mug ☕ 📱 — 東京")
    await product_store.repository.add(product)

    assert await product_store.repository.get(product.id) == product


async def test_a_duplicate_sku_is_refused_and_the_first_product_kept(
    product_store: ProductStore,
) -> None:
    first = a_product("mug", "5.00")
    await product_store.repository.add(first)

    with pytest.raises(DuplicateSkuError):
        await product_store.repository.add(a_product("mug", "6.00"))

    assert await product_store.repository.count() == 1
    assert await product_store.repository.find_by_skus(["mug"]) == [first]


async def test_sku_codes_are_case_sensitive(product_store: ProductStore) -> None:
    await product_store.repository.add(a_product("Mug"))
    await product_store.repository.add(a_product("mug"))

    found = await product_store.repository.find_by_skus(["mug"])

    assert [p.sku_code for p in found] == ["mug"]


async def test_find_by_skus_returns_only_the_known_ones(product_store: ProductStore) -> None:
    for sku in ("a", "b", "c"):
        await product_store.repository.add(a_product(sku))

    found = await product_store.repository.find_by_skus(["c", "a", "missing"])

    assert sorted(p.sku_code for p in found) == ["a", "c"]


async def test_pages_are_ordered_by_sku_and_do_not_overlap(product_store: ProductStore) -> None:
    for sku in ("e", "c", "a", "d", "b"):
        await product_store.repository.add(a_product(sku))

    pages = [await product_store.repository.list_page(offset, 2) for offset in (0, 2, 4, 6)]

    assert [[p.sku_code for p in page] for page in pages] == [["a", "b"], ["c", "d"], ["e"], []]


async def test_an_unknown_id_reads_as_nothing(product_store: ProductStore) -> None:
    assert await product_store.repository.get(new_product_id()) is None


async def test_the_health_check_reaches_the_store(product_store: ProductStore) -> None:
    await product_store.health_check.ping()

    assert product_store.health_check.component in ("db", "mongo")


async def test_opening_an_existing_store_again_keeps_its_data(product_database_url: str) -> None:
    product = a_product("kept")
    async with open_product_store(product_database_url, migrate=True) as store:
        await store.repository.add(product)
    async with open_product_store(product_database_url, migrate=True) as store:
        assert await store.repository.get(product.id) == product
