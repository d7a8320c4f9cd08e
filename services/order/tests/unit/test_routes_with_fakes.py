"""The order routes on OrderDependencies built with fakes: the reference wire format."""

from typing import Any

import pytest

from testkit.asgi import InProcessClient
from testkit.issuer import TestIssuer

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
    api: InProcessClient, alice: dict[str, str]
) -> None:
    key = {"Idempotency-Key": "k1"} | alice
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


async def test_a_guest_order_answers_its_secret_and_a_customers_answers_none(
    api: InProcessClient, alice: dict[str, str]
) -> None:
    guest = await api.request("POST", "/api/order/create", {DTO_LIST: [mugs()]})
    customer = await api.request("POST", "/api/order/create", {DTO_LIST: [mugs()]}, alice)

    assert guest.status == customer.status == 201
    assert len(guest.body["guestSecret"]) >= 43
    assert "guestSecret" not in customer.body
    assert guest.body.keys() - {"guestSecret"} == customer.body.keys()


async def test_a_guest_reads_and_cancels_their_order_with_the_order_secret_header(
    api: InProcessClient, inventory: FakeInventory
) -> None:
    placed = await api.request("POST", "/api/order/create", {DTO_LIST: [mugs(2)]})
    path = f"/api/order/{placed.body['orderNumber']}"
    holder = {"Order-Secret": placed.body["guestSecret"]}

    read = await api.request("GET", path, headers=holder)
    cancelled = await api.request("POST", f"{path}/cancel", headers=holder)

    assert read.status == 200
    assert read.body == {k: v for k, v in placed.body.items() if k != "guestSecret"}
    assert cancelled.status == 200
    assert cancelled.body["status"] == "CANCELLED"
    assert inventory.stock["mug"] == 3


@pytest.mark.parametrize("secret", ["has space", "x" * 129, "semi;colon"], ids=str)
async def test_a_malformed_order_secret_is_a_422_naming_the_header(
    api: InProcessClient, secret: str
) -> None:
    path = "/api/order/7d1f5c2e-55a4-4a8e-9d59-0b0f5a3c9e11"

    answer = await api.request("GET", path, headers={"Order-Secret": secret})

    assert answer.status == 422
    assert {error["field"] for error in answer.body["errors"]} == {"Order-Secret"}


async def test_the_openapi_document_shows_the_order_secret_header_and_the_guest_secret(
    api: InProcessClient,
) -> None:
    document = (await api.request("GET", "/openapi.json")).body

    for path, method in (
        ("/api/order/{orderNumber}", "get"),
        ("/api/order/{orderNumber}/cancel", "post"),
    ):
        parameters = {p["name"]: p for p in document["paths"][path][method]["parameters"]}
        assert parameters["Order-Secret"]["in"] == "header"
    placed = document["components"]["schemas"]["PlacedOrderResponse"]
    assert "guestSecret" in placed["properties"]


async def test_a_token_whose_subject_no_order_could_record_is_a_401_not_a_500(
    api: InProcessClient, token_issuer: TestIssuer, orders: FakeOrders
) -> None:
    token = token_issuer.mint("x" * 256)

    answer = await api.request(
        "POST", "/api/order/create", {DTO_LIST: [mugs()]}, {"Authorization": f"Bearer {token}"}
    )

    assert answer.status == 401
    assert answer.body["type"] == "urn:shopstack:problem:unauthenticated"
    assert orders.by_number == {}
