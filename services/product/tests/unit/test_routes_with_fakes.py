"""The product routes on ProductDependencies built with fakes: answers, problems, OpenAPI."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from product_service.bootstrap import ProductDependencies
from product_service.config import Settings
from product_service.main import create_app
from shopkit.auth import AuthSettings
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import Bootstrap, Wired
from testkit.asgi import InProcessClient, started

from .conftest import FakeProductRepository


def wired_with(products: FakeProductRepository) -> Bootstrap[ProductDependencies]:
    @asynccontextmanager
    async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[ProductDependencies]]:
        yield Wired(ProductDependencies(products=products))

    return bootstrap


@pytest.fixture
async def api(
    products: FakeProductRepository, auth_settings: AuthSettings
) -> AsyncIterator[InProcessClient]:
    app = create_app(Settings(auth=auth_settings), bootstrap=wired_with(products))
    async with started(app) as client:
        yield client


MUG = {"name": "Café Mug", "description": "Stoneware", "price": 12.5}


async def test_a_product_created_without_a_sku_is_answered_with_the_derived_one(
    api: InProcessClient, products: FakeProductRepository, admin_headers: dict[str, str]
) -> None:
    answer = await api.request("POST", "/api/product/create", MUG, admin_headers)

    assert answer.status == 201
    assert answer.body == {
        "id": answer.body["id"],
        "name": "Café Mug",
        "description": "Stoneware",
        "price": 12.5,
        "skuCode": "cafe_mug",
    }
    assert [p.sku_code for p in await products.find_by_skus(["cafe_mug"])] == ["cafe_mug"]


async def test_a_second_product_of_the_same_name_is_answered_with_a_suffixed_sku(
    api: InProcessClient, admin_headers: dict[str, str]
) -> None:
    await api.request("POST", "/api/product/create", MUG, admin_headers)

    answer = await api.request("POST", "/api/product/create", MUG, admin_headers)

    assert answer.status == 201
    assert re.fullmatch("cafe_mug_[0-9a-f]{4}", answer.body["skuCode"])


async def test_a_given_sku_is_kept(api: InProcessClient, admin_headers: dict[str, str]) -> None:
    answer = await api.request(
        "POST", "/api/product/create", MUG | {"skuCode": "MUG-1"}, admin_headers
    )

    assert answer.status == 201
    assert answer.body["skuCode"] == "MUG-1"


async def test_a_given_sku_that_is_taken_is_answered_with_the_duplicate_sku_problem(
    api: InProcessClient, admin_headers: dict[str, str]
) -> None:
    await api.request("POST", "/api/product/create", MUG | {"skuCode": "mug"}, admin_headers)

    answer = await api.request(
        "POST", "/api/product/create", MUG | {"skuCode": "mug"}, admin_headers
    )

    assert answer.status == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body == {
        "type": "urn:shopstack:problem:duplicate-sku",
        "title": "Duplicate SKU",
        "status": 409,
        "detail": "a product with skuCode 'mug' already exists",
        "instance": "/api/product/create",
        "skuCode": "mug",
    }


async def test_an_unknown_product_is_answered_with_the_product_not_found_problem(
    api: InProcessClient,
) -> None:
    answer = await api.request("GET", "/api/product/nope")

    assert answer.status == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.body == {
        "type": "urn:shopstack:problem:product-not-found",
        "title": "Product not found",
        "status": 404,
        "detail": "no product with id 'nope'",
        "instance": "/api/product/nope",
    }


async def test_products_are_read_from_the_repository_the_bootstrap_built(
    api: InProcessClient, admin_headers: dict[str, str]
) -> None:
    created = (await api.request("POST", "/api/product/create", MUG, admin_headers)).body

    assert (await api.request("GET", f"/api/product/{created['id']}")).body == created
    assert (await api.request("GET", "/api/product?skuCode=cafe_mug")).body == [created]
    assert (await api.request("GET", "/api/product/allProducts")).body == [created]


def test_the_openapi_document_shows_the_sku_code_optional() -> None:
    schemas = create_app(Settings()).openapi()["components"]["schemas"]

    assert schemas["ProductRequest"]["required"] == ["name", "price"]
    assert "skuCode" in schemas["ProductRequest"]["properties"]
