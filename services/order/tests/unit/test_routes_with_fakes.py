"""The order routes on OrderDependencies built with fakes: the reference wire format."""

from typing import Any

import pytest

from testkit.asgi import InProcessClient

from .conftest import FakeInventory, FakeOrders

DTO_LIST = "orderLineItemsDtoList"
LIST_DTO = "orderLineItemsListDto"


def mugs(quantity: int = 1, **changes: Any) -> dict[str, Any]:
    return {"skuCode": "mug", "price": 12.5, "quantity": quantity} | changes


def unpriced(sku: str, quantity: int = 1) -> dict[str, Any]:
    return {"skuCode": sku, "quantity": quantity}


@pytest.mark.parametrize("name", [DTO_LIST, LIST_DTO])
async def test_an_order_is_placed_under_either_name_of_its_lines(
    api: InProcessClient, inventory: FakeInventory, name: str
) -> None:
    answer = await api.request("POST", "/api/order/create", {name: [mugs(2)]})

    assert answer.status == 201
    assert answer.body["items"] == [{"skuCode": "mug", "price": 12.5, "quantity": 2}]
    assert answer.headers["location"] == f"/api/order/{answer.body['orderNumber']}"
    assert inventory.stock["mug"] == 1


async def test_lines_under_both_names_at_once_are_a_422_naming_both(
    api: InProcessClient, orders: FakeOrders
) -> None:
    answer = await api.request(
        "POST", "/api/order/create", {DTO_LIST: [mugs()], LIST_DTO: [mugs()]}
    )

    assert answer.status == 422
    assert answer.body["type"] == "urn:shopstack:problem:validation-error"
    assert {error["field"] for error in answer.body["errors"]} == {DTO_LIST, LIST_DTO}
    assert orders.by_number == {}


async def test_a_body_without_lines_is_a_422_naming_the_lines(api: InProcessClient) -> None:
    answer = await api.request("POST", "/api/order/create", {})

    assert answer.status == 422
    assert answer.body["errors"] == [
        {"field": DTO_LIST, "location": "body", "message": "Field required", "type": "missing"}
    ]


async def test_invalid_lines_under_the_frontends_name_are_named_as_it_sent_them(
    api: InProcessClient,
) -> None:
    answer = await api.request("POST", "/api/order/create", {LIST_DTO: [mugs(quantity=0)]})

    assert answer.status == 422
    assert {error["field"] for error in answer.body["errors"]} == {f"{LIST_DTO}[0].quantity"}


@pytest.mark.parametrize("name", [DTO_LIST, LIST_DTO])
async def test_a_line_without_a_price_is_charged_the_catalog_price(
    api: InProcessClient, orders: FakeOrders, name: str
) -> None:
    answer = await api.request(
        "POST", "/api/order/create", {name: [unpriced("mug", 2), unpriced("tea")]}
    )

    assert answer.status == 201
    assert answer.body["items"] == [
        {"skuCode": "mug", "price": 12.5, "quantity": 2},
        {"skuCode": "tea", "price": 4.99, "quantity": 1},
    ]
    assert answer.body["total"] == 29.99
    stored = await orders.get(answer.body["orderNumber"])
    assert stored is not None
    assert [float(line.price) for line in stored.lines] == [12.5, 4.99]


async def test_a_given_price_that_differs_from_the_catalog_is_still_a_409(
    api: InProcessClient, orders: FakeOrders
) -> None:
    answer = await api.request(
        "POST", "/api/order/create", {LIST_DTO: [unpriced("tea"), mugs(price=10)]}
    )

    assert answer.status == 409
    assert answer.body["type"] == "urn:shopstack:problem:price-changed"
    assert answer.body["changes"] == [{"skuCode": "mug", "requested": 10.0, "current": 12.5}]
    assert orders.by_number == {}


async def test_a_priced_and_an_unpriced_line_of_one_sku_are_a_422(api: InProcessClient) -> None:
    answer = await api.request("POST", "/api/order/create", {DTO_LIST: [mugs(), unpriced("mug")]})

    assert answer.status == 422
    assert {error["field"] for error in answer.body["errors"]} == {DTO_LIST}


async def test_one_key_for_an_unpriced_and_a_priced_body_is_a_reused_key(
    api: InProcessClient,
) -> None:
    key = {"Idempotency-Key": "k1"}
    first = await api.request("POST", "/api/order/create", {DTO_LIST: [unpriced("mug")]}, key)
    retry = await api.request("POST", "/api/order/create", {LIST_DTO: [unpriced("mug")]}, key)

    priced = await api.request("POST", "/api/order/create", {DTO_LIST: [mugs()]}, key)

    assert first.status == retry.status == 201
    assert retry.body == first.body
    assert priced.status == 422
    assert priced.body["type"] == "urn:shopstack:problem:idempotency-key-reused"


async def test_the_openapi_document_shows_both_names_and_an_optional_price(
    api: InProcessClient,
) -> None:
    schemas = (await api.request("GET", "/openapi.json")).body["components"]["schemas"]

    assert {DTO_LIST, LIST_DTO} <= schemas["OrderRequest"]["properties"].keys()
    assert "required" not in schemas["OrderRequest"]
    assert "price" in schemas["OrderLineRequest"]["properties"]
    assert "price" not in schemas["OrderLineRequest"]["required"]
