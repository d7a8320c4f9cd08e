"""Every order that is not placed, and every refusal, has its one problem answer."""

import uuid
from decimal import Decimal
from typing import Any

import pytest

from order_service import service
from order_service.domain import Order, OrderLine, OrderStatus, fingerprint
from testkit.asgi import Answer, InProcessClient
from testkit.issuer import TestIssuer

from .conftest import FakeCatalog, FakeInventory, FakeOrders

CREATE = "/api/order/create"
MUG_LINE = {"skuCode": "mug", "price": 12.5, "quantity": 1}


def problem(status: int, slug: str, title: str, detail: str, instance: str) -> dict[str, Any]:
    return {
        "type": f"urn:shopstack:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }


async def place(
    api: InProcessClient,
    *lines: dict[str, Any],
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    sent = (headers or {}) | ({"Idempotency-Key": key} if key else {})
    return await api.request("POST", CREATE, {"orderLineItemsDtoList": list(lines)}, sent)


async def test_unknown_skus_are_a_422_naming_them_as_sent(
    api: InProcessClient, catalog: FakeCatalog
) -> None:
    answer = await place(api, MUG_LINE, MUG_LINE | {"skuCode": "Ghost-X"})

    assert answer.status == 422
    assert answer.body == problem(
        422, "unknown-sku", "Unknown SKU", "Not in the catalog: Ghost-X.", CREATE
    ) | {"skuCodes": ["Ghost-X"]}


async def test_a_changed_price_is_a_409_with_each_change(api: InProcessClient) -> None:
    answer = await place(api, MUG_LINE | {"price": 12})

    assert answer.status == 409
    assert answer.body == problem(
        409, "price-changed", "Price changed", "The price changed for: mug.", CREATE
    ) | {"changes": [{"skuCode": "mug", "requested": 12.0, "current": 12.5}]}


async def test_a_key_reused_for_another_body_is_a_422(api: InProcessClient) -> None:
    await place(api, MUG_LINE, key="k1")

    answer = await place(api, MUG_LINE | {"quantity": 2}, key="k1")

    assert answer.status == 422
    assert answer.body == problem(
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        "Idempotency-Key 'k1' was used with a different request",
        CREATE,
    )


@pytest.mark.parametrize("down", ["product", "inventory"])
async def test_a_service_down_while_placing_is_a_503_saying_nothing_was_ordered(
    api: InProcessClient, catalog: FakeCatalog, inventory: FakeInventory, down: str
) -> None:
    (catalog if down == "product" else inventory).up = False

    answer = await place(api, MUG_LINE)

    assert answer.status == 503
    assert answer.headers["retry-after"] == "2"
    assert answer.body == problem(
        503,
        "service-unavailable",
        "Service unavailable",
        f"{down} is unavailable; nothing was ordered. Try again.",
        CREATE,
    )


async def test_a_failed_order_is_a_503_saying_nothing_was_ordered(
    api: InProcessClient, inventory: FakeInventory
) -> None:
    inventory.release_overtakes_reservations = True

    answer = await place(api, MUG_LINE)

    assert answer.status == 503
    assert answer.headers["retry-after"] == "2"
    assert answer.body == problem(
        503,
        "service-unavailable",
        "Service unavailable",
        "Inventory could not be reached; nothing was ordered. Try again.",
        CREATE,
    )


async def test_an_order_out_of_stock_is_a_409_naming_it_and_its_shortages(
    api: InProcessClient, orders: FakeOrders
) -> None:
    answer = await place(api, MUG_LINE | {"quantity": 5})

    [rejected] = orders.by_number.values()
    assert answer.status == 409
    assert answer.body == problem(
        409, "insufficient-stock", "Insufficient stock", "Not enough stock for: mug.", CREATE
    ) | {
        "orderNumber": rejected.order_number,
        "shortages": [{"skuCode": "mug", "requested": 5, "available": 3}],
    }


async def test_a_repeat_of_an_order_still_placing_is_a_409_to_retry_shortly(
    api: InProcessClient, orders: FakeOrders
) -> None:
    lines = (OrderLine("mug", 1, Decimal("12.50")),)
    pending = Order(
        str(uuid.uuid4()), OrderStatus.PENDING, lines, service.utc_now(), fingerprint(lines), "k1"
    )
    await orders.add(pending)

    answer = await place(api, MUG_LINE, key="k1")

    assert answer.status == 409
    assert answer.headers["retry-after"] == "1"
    assert answer.body == problem(
        409,
        "request-in-progress",
        "Request in progress",
        "An order with this Idempotency-Key is still being placed. Try again shortly.",
        CREATE,
    ) | {"orderNumber": pending.order_number}


@pytest.mark.parametrize("action", ["", "/cancel"])
async def test_an_unknown_order_is_a_404(
    api: InProcessClient, alice: dict[str, str], action: str
) -> None:
    number = str(uuid.uuid4())
    path = f"/api/order/{number}{action}"

    answer = await api.request("POST" if action else "GET", path, headers=alice)

    assert answer.status == 404
    assert answer.body == problem(
        404, "order-not-found", "Order not found", f"No order {number}.", path
    )


async def test_cancelling_an_order_that_is_not_confirmed_is_a_409_naming_its_status(
    api: InProcessClient, orders: FakeOrders, alice: dict[str, str]
) -> None:
    await place(api, MUG_LINE | {"quantity": 5}, headers=alice)
    [rejected] = orders.by_number.values()
    path = f"/api/order/{rejected.order_number}/cancel"

    answer = await api.request("POST", path, headers=alice)

    assert answer.status == 409
    assert answer.body == problem(
        409,
        "order-not-cancellable",
        "Order not cancellable",
        f"order {rejected.order_number} is REJECTED; only CONFIRMED cancels",
        path,
    ) | {"orderNumber": rejected.order_number, "orderStatus": "REJECTED"}


async def test_a_cancel_the_inventory_cannot_answer_is_cancelled_its_stock_owed_not_a_503(
    api: InProcessClient, inventory: FakeInventory
) -> None:
    placed = await place(api, MUG_LINE)
    inventory.up = False
    path = f"/api/order/{placed.body['orderNumber']}/cancel"

    answer = await api.request("POST", path, headers={"Order-Secret": placed.body["guestSecret"]})

    assert answer.status == 200
    assert answer.body["status"] == "CANCELLED"


@pytest.mark.parametrize("action", ["", "/cancel"])
async def test_an_order_asked_for_anonymously_without_its_secret_is_a_401_to_sign_in(
    api: InProcessClient, action: str
) -> None:
    placed = await place(api, MUG_LINE)
    path = f"/api/order/{placed.body['orderNumber']}{action}"

    answer = await api.request("POST" if action else "GET", path)

    assert answer.status == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.body == problem(
        401,
        "unauthenticated",
        "Unauthenticated",
        "Sign in (Authorization: Bearer), or send a guest order's secret in Order-Secret.",
        path,
    )


async def test_the_list_of_orders_for_a_service_token_is_a_403(
    api: InProcessClient, token_issuer: TestIssuer
) -> None:
    token = token_issuer.mint_service("inventory-service", scopes=["inventory:reserve"])

    answer = await api.request("GET", "/api/order", headers={"Authorization": f"Bearer {token}"})

    assert answer.status == 403
    assert answer.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
    assert answer.body == problem(
        403,
        "forbidden",
        "Forbidden",
        "Only customers and admins list orders; a service has none.",
        "/api/order",
    )


async def test_the_token_endpoint_down_while_placing_is_a_503_saying_nothing_was_ordered(
    api: InProcessClient, inventory: FakeInventory, orders: FakeOrders
) -> None:
    inventory.token_available = False

    answer = await place(api, MUG_LINE)

    assert answer.status == 503
    assert answer.headers["retry-after"] == "2"
    assert answer.body == problem(
        503,
        "service-unavailable",
        "Service unavailable",
        "the token endpoint is unavailable; nothing was ordered. Try again.",
        CREATE,
    )
    assert [order.status for order in orders.by_number.values()] == [OrderStatus.FAILED]
    assert inventory.stock["mug"] == 3
