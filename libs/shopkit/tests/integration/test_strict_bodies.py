"""What every service refuses in a body, and says so, over real HTTP: keys named twice,
hidden characters in free text; a wrong method names the allowed ones; prices are
documented as the numbers they are."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from fastapi import APIRouter
from pydantic import StrictFloat

from shopkit.app import create_app
from shopkit.auth import public
from shopkit.metrics import ServiceMetrics
from shopkit.routing import ExactDecimalRoute, StrictJsonRoute
from shopkit.schemas import CamelModel, Price, Prose, Text
from shopkit.settings import ServiceSettings
from shopkit.wiring import Wired
from testkit.http import assert_problem
from testkit.live_server import serve_in_thread

router = APIRouter(dependencies=[public], route_class=ExactDecimalRoute)


class Item(CamelModel):
    name: Text
    description: Prose = ""
    price: Price


@router.post("/items", status_code=201)
async def create_item(item: Item) -> Item:
    return item


@router.get("/items/{item_id}")
async def get_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


@router.put("/items/{item_id}")
async def put_item(item_id: int, item: Item) -> Item:
    return item


settings_router = APIRouter(dependencies=[public], route_class=StrictJsonRoute)


class Latency(CamelModel):
    seconds: StrictFloat


@settings_router.put("/latency")
async def set_latency(latency: Latency) -> Latency:
    return latency


@asynccontextmanager
async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[None]]:
    yield Wired(None)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = create_app(
        service="demo",
        distribution="shopkit",
        settings=ServiceSettings(),
        routers=[router, settings_router],
        bootstrap=bootstrap,
    )
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=base_url) as session:
        yield session


async def post_raw(http: aiohttp.ClientSession, body: str) -> aiohttp.ClientResponse:
    return await http.post("/items", data=body, headers={"content-type": "application/json"})


async def test_a_key_named_twice_is_a_400_malformed_json_naming_the_key(
    http: aiohttp.ClientSession,
) -> None:
    response = await post_raw(http, '{"name": "Mug", "price": 1, "price": 1000}')

    body = await assert_problem(response, 400)
    assert body["type"] == "urn:shopstack:problem:malformed-json"
    assert body["detail"] == "The request body is not valid JSON: duplicate key 'price'."


async def test_a_key_named_twice_in_a_nested_object_is_refused_too(
    http: aiohttp.ClientSession,
) -> None:
    response = await post_raw(http, '{"name": "Mug", "price": 1, "x": {"a": 1, "a": 2}}')

    body = await assert_problem(response, 400)
    assert "duplicate key 'a'" in body["detail"]


async def test_a_router_without_money_refuses_a_key_named_twice_and_keeps_floats(
    http: aiohttp.ClientSession,
) -> None:
    json_type = {"content-type": "application/json"}
    twice = await http.put("/latency", data='{"seconds": 0.5, "seconds": 9}', headers=json_type)
    once = await http.put("/latency", data='{"seconds": 0.5}', headers=json_type)

    assert "duplicate key 'seconds'" in (await assert_problem(twice, 400))["detail"]
    assert once.status == 200
    assert await once.json() == {"seconds": 0.5}


async def test_a_body_that_is_no_json_says_why(http: aiohttp.ClientSession) -> None:
    body = await assert_problem(await post_raw(http, '{"name": '), 400)

    assert body["type"] == "urn:shopstack:problem:malformed-json"
    assert body["detail"].startswith("The request body is not valid JSON: ")


async def test_a_body_with_distinct_keys_keeps_its_exact_price(
    http: aiohttp.ClientSession,
) -> None:
    response = await post_raw(http, '{"name": "Mug", "price": 19.99}')

    assert response.status == 201
    assert await response.json() == {"name": "Mug", "description": "", "price": 19.99}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Mug\x00"),
        ("name", "Mug\ttea"),
        ("name", "Mug\ncup"),
        ("name", "\u202egum"),
        ("name", "a\u2066b\u2069"),
        ("name", "a\u200fb"),
        ("name", "a\u061cb"),
        ("name", "a\x85b"),
        ("description", "Stone\x00ware"),
        ("description", "Stone\rware"),
        ("description", "evil\u202e"),
        ("description", "a\x1bb"),
    ],
)
async def test_a_control_or_bidi_character_in_free_text_is_a_422_naming_the_field(
    http: aiohttp.ClientSession, field: str, value: str
) -> None:
    response = await http.post("/items", json={"name": "Mug", "price": 1} | {field: value})

    body = await assert_problem(response, 422, fields={field})
    assert body["type"] == "urn:shopstack:problem:validation-error"
    assert body["errors"][0]["type"] == "hidden_character"


async def test_prose_keeps_its_tabs_and_line_feeds_and_any_script(
    http: aiohttp.ClientSession,
) -> None:
    item = {"name": "Tasse émaillée — 茶杯 🙂", "description": "Line one\n\tindented", "price": 2}

    response = await http.post("/items", json=item)

    assert response.status == 201
    assert await response.json() == item


async def test_a_wrong_method_is_a_405_naming_the_allowed_methods(
    http: aiohttp.ClientSession,
) -> None:
    response = await http.delete("/items/7")

    await assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "PUT"}


async def test_a_wrong_method_on_a_single_method_path_names_it(
    http: aiohttp.ClientSession,
) -> None:
    response = await http.get("/items")

    await assert_problem(response, 405)
    assert response.headers["Allow"] == "POST"


def price_schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    schemas = document["components"]["schemas"]
    return [
        properties["price"]
        for schema in schemas.values()
        for properties in [schema.get("properties", {})]
        if "price" in properties
    ]


async def test_a_price_is_documented_as_a_number_with_two_places(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/openapi.json") as response:
        document = await response.json()

    prices = price_schemas(document)
    assert prices, document["components"]["schemas"].keys()
    for price in prices:
        assert price | {"title": "Price"} == {
            "title": "Price",
            "type": "number",
            "multipleOf": 0.01,
            "exclusiveMinimum": 0,
            "maximum": 9999999999.99,
            "examples": [19.99],
        }


async def test_the_documented_maximum_price_is_accepted_and_a_cent_more_refused(
    http: aiohttp.ClientSession,
) -> None:
    top = Decimal("9999999999.99")
    accepted = await post_raw(http, f'{{"name": "Gold", "price": {top}}}')
    refused = await post_raw(http, f'{{"name": "Gold", "price": {top + Decimal("0.01")}}}')

    assert accepted.status == 201
    await assert_problem(refused, 422, fields={"price"})
