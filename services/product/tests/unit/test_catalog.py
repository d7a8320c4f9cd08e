import re
from decimal import Decimal

import pytest

from product_service import service
from product_service.demo import DEMO_PRODUCTS, seed_demo_catalog
from product_service.domain import DuplicateSkuError, Product, ProductNotFoundError
from product_service.ports import ProductRepository

from .conftest import FakeProductRepository


async def add(products: ProductRepository, sku_code: str, price: str = "10.00") -> None:
    await service.create_product(
        products, sku_code=sku_code, name=sku_code.title(), description="", price=Decimal(price)
    )


async def test_a_created_product_can_be_read_back_with_its_exact_price(
    products: ProductRepository,
) -> None:
    created = await service.create_product(
        products, sku_code="mug", name="Mug", description="Stoneware", price=Decimal("12.30")
    )

    read = await service.get_product(products, created.id)

    assert read == created
    assert read.price == Decimal("12.30")
    assert len(read.id) == 24


async def test_a_second_product_with_the_same_sku_is_refused(products: ProductRepository) -> None:
    await add(products, "mug")

    with pytest.raises(DuplicateSkuError):
        await add(products, "mug", price="5.00")

    assert await products.count() == 1


@pytest.mark.parametrize("price", ["0", "-1.00", "19.999"])
async def test_a_price_must_be_positive_whole_cents(
    products: ProductRepository, price: str
) -> None:
    with pytest.raises(ValueError, match="price"):
        await add(products, "mug", price=price)

    assert await products.count() == 0


async def test_an_unknown_product_id_is_not_found(products: ProductRepository) -> None:
    with pytest.raises(ProductNotFoundError):
        await service.get_product(products, "0" * 24)


async def test_lookup_by_sku_answers_in_request_order_and_leaves_out_unknown_skus(
    products: ProductRepository,
) -> None:
    for sku in ("a", "b", "c"):
        await add(products, sku)

    found = await service.products_by_sku(products, ["c", "nope", "a"])

    assert [p.sku_code for p in found] == ["c", "a"]


async def test_the_catalog_is_paged_in_sku_order(products: ProductRepository) -> None:
    for sku in ("d", "b", "a", "c", "e"):
        await add(products, sku)

    pages = [await service.list_products(products, page=n, size=2) for n in range(3)]

    assert [[p.sku_code for p in page] for page in pages] == [["a", "b"], ["c", "d"], ["e"]]


async def test_the_demo_catalog_is_seeded_once_and_only_into_an_empty_catalog(
    products: ProductRepository,
) -> None:
    assert await seed_demo_catalog(products) == len(DEMO_PRODUCTS)
    assert await seed_demo_catalog(products) == 0
    assert await products.count() == len(DEMO_PRODUCTS)

    skus = [p.sku_code for p in await service.list_products(products, page=0, size=100)]
    assert {"iphone_13", "iphone_13_red"} <= set(skus)


async def create_named(products: ProductRepository, name: str) -> Product:
    return await service.create_product(products, name=name, description="", price=Decimal("10.00"))


async def test_a_product_created_without_a_sku_gets_the_one_its_name_gives(
    products: ProductRepository,
) -> None:
    created = await create_named(products, "Café Mug (Red)")

    assert created.sku_code == "cafe_mug_red"
    assert await service.products_by_sku(products, ["cafe_mug_red"]) == [created]


async def test_a_name_whose_sku_is_taken_gets_it_with_a_random_suffix(
    products: ProductRepository,
) -> None:
    first = await create_named(products, "Mug")

    second, third = await create_named(products, "Mug"), await create_named(products, "Mug")

    assert first.sku_code == "mug"
    assert re.fullmatch("mug_[0-9a-f]{4}", second.sku_code)
    assert re.fullmatch("mug_[0-9a-f]{4}", third.sku_code)
    assert second.sku_code != third.sku_code
    assert await products.count() == 3


class EverySkuTaken(FakeProductRepository):
    """A catalog in which every SKU tried is already taken."""

    def __init__(self) -> None:
        super().__init__()
        self.tried: list[str] = []

    async def add(self, product: Product) -> None:
        self.tried.append(product.sku_code)
        raise DuplicateSkuError(product.sku_code)


async def test_a_derived_sku_tries_a_few_suffixes_then_is_refused_as_a_duplicate() -> None:
    products = EverySkuTaken()

    with pytest.raises(DuplicateSkuError) as refused:
        await create_named(products, "Mug")

    assert products.tried[0] == "mug"
    assert len(products.tried) == 1 + service.SUFFIXED_SKU_ATTEMPTS
    assert all(re.fullmatch("mug_[0-9a-f]{4}", sku) for sku in products.tried[1:])
    assert refused.value.sku_code == products.tried[-1]


async def test_a_given_sku_that_is_taken_is_refused_without_trying_another() -> None:
    products = EverySkuTaken()

    with pytest.raises(DuplicateSkuError) as refused:
        await add(products, "mug")

    assert products.tried == ["mug"]
    assert refused.value.sku_code == "mug"
