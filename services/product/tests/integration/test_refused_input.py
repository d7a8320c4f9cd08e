"""Input the catalog refuses over real HTTP, whatever the store: hidden characters in a
name or description, a key named twice; and a wrong method names the right ones."""

import json
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from product_service.config import Settings
from product_service.main import create_app
from shopkit.auth import AuthSettings
from testkit.http import assert_problem
from testkit.live_server import serve_in_thread


@pytest.fixture(scope="module")
def catalog_url(
    tmp_path_factory: pytest.TempPathFactory, auth_settings: AuthSettings
) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('product')}/product.db"
    with serve_in_thread(create_app(Settings(database_url=url, auth=auth_settings))) as base_url:
        yield base_url


@pytest.fixture
async def admin(
    catalog_url: str, admin_headers: dict[str, str]
) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=catalog_url, headers=admin_headers) as session:
        yield session


async def catalog(admin: aiohttp.ClientSession) -> list[dict[str, object]]:
    async with admin.get("/api/product/allProducts", params={"size": 1000}) as response:
        products: list[dict[str, object]] = await response.json()
        return products


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Mug\x00"),
        ("name", "\u202egum"),
        ("name", "Mug\nTea"),
        ("description", "Stone\u2066ware"),
        ("description", "Stone\x07ware"),
    ],
)
async def test_a_hidden_character_in_a_product_is_a_422_and_nothing_is_stored(
    admin: aiohttp.ClientSession, field: str, value: str
) -> None:
    body = {"name": "Mug", "description": "Stoneware", "price": 12.5} | {field: value}

    response = await admin.post("/api/product/create", json=body)

    problem = await assert_problem(response, 422, fields={field})
    assert problem["type"] == "urn:shopstack:problem:validation-error"
    assert await catalog(admin) == []


async def test_a_description_keeps_its_line_breaks(admin: aiohttp.ClientSession) -> None:
    body = {"name": "Teapot", "description": "Holds 1 l.\n\tDishwasher safe.", "price": 30}

    async with admin.post("/api/product/create", json=body) as response:
        assert response.status == 201
        assert (await response.json())["description"] == body["description"]


async def test_a_price_named_twice_is_a_400_and_nothing_is_stored(
    admin: aiohttp.ClientSession,
) -> None:
    raw = '{"name": "Mug", "price": 1, "skuCode": "mug_twice", "price": 1000}'

    response = await admin.post(
        "/api/product/create", data=raw, headers={"content-type": "application/json"}
    )

    problem = await assert_problem(response, 400)
    assert problem["type"] == "urn:shopstack:problem:malformed-json"
    assert "duplicate key 'price'" in problem["detail"]
    assert "mug_twice" not in json.dumps(await catalog(admin))


async def test_a_wrong_method_is_a_405_naming_every_method_of_the_path(
    admin: aiohttp.ClientSession,
) -> None:
    # /api/product/create is POST, and also GET as /api/product/{id}.
    response = await admin.put("/api/product/create", json={})

    await assert_problem(response, 405)
    assert response.headers["Allow"] == "GET, POST"
