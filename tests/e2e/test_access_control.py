"""Access control on the platform `make up` runs: through the gateway, nobody without a
token writes or lists orders, no forged token passes, a guest reaches only their own order,
and the internal reservations API is out of reach."""

from collections.abc import Iterator
from typing import Any

import pytest

from testkit.issuer import TestIssuer

from .stack import Stack, call, expect_status, make_up

ANONYMOUS_REFUSED = [
    ("GET", "/api/order", None),
    ("PUT", "/api/inventory/iphone_13", {"quantity": 1}),
    ("POST", "/api/product/create", {"name": "Lamp", "price": 1.0, "skuCode": "lamp_anon"}),
]
RESERVATION = {"orderNumber": "00000000-0000-4000-8000-000000000000", "items": []}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("access")
    with make_up(workdir / "data", workdir / "make-up.log") as running:
        yield running


@pytest.mark.parametrize(("method", "path", "body"), ANONYMOUS_REFUSED)
def test_anonymous_through_the_gateway_cannot_list_orders_nor_write(
    stack: Stack, method: str, path: str, body: object
) -> None:
    answer = call(stack.urls["gateway"] + path, method, body)

    assert answer.status == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.body["type"] == "urn:shopstack:problem:unauthenticated"


def test_the_stock_is_unchanged_after_the_refused_anonymous_write(stack: Stack) -> None:
    before = stack.get_json("inventory", "/api/inventory?skuCode=iphone_13")

    call(stack.urls["gateway"] + "/api/inventory/iphone_13", "PUT", {"quantity": 1})

    assert stack.get_json("inventory", "/api/inventory?skuCode=iphone_13") == before


def test_the_smoke_clients_token_sets_stock_through_the_gateway(stack: Stack) -> None:
    answer = call(
        stack.urls["gateway"] + "/api/inventory/usb_c_cable",
        "PUT",
        {"quantity": 42},
        token=stack.admin_token(),
    )

    assert expect_status(answer, 200)["quantity"] == 42


def test_an_admin_token_the_identity_service_did_not_sign_is_refused(
    stack: Stack, token_issuer: TestIssuer
) -> None:
    claimed: dict[str, Any] = {"issuer": stack.urls["identity"], "roles": ["admin"]}
    forged = [
        token_issuer.mint("mallory", **claimed),
        token_issuer.unsigned_token(**claimed),
        token_issuer.hmac_token_with_public_key(**claimed),
    ]

    answers = [
        call(
            stack.urls["gateway"] + "/api/inventory/iphone_13",
            "PUT",
            {"quantity": 1},
            token=token,
        )
        for token in forged
    ]

    assert [answer.status for answer in answers] == [401, 401, 401]
    assert all("invalid_token" in answer.headers["www-authenticate"] for answer in answers)


def test_a_guest_reads_their_order_with_its_secret_and_nobody_else_does(stack: Stack) -> None:
    order = stack.place_guest_order([{"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}])
    other = stack.place_guest_order([{"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}])
    url = f"{stack.urls['gateway']}/api/order/{order['orderNumber']}"

    own = call(url, headers={"Order-Secret": order["guestSecret"]})
    anonymous = call(url)
    with_another_orders_secret = call(url, headers={"Order-Secret": other["guestSecret"]})

    assert expect_status(own, 200)["orderNumber"] == order["orderNumber"]
    assert "guestSecret" not in own.body
    assert anonymous.status == 401
    assert with_another_orders_secret.status == 404


def test_the_reservations_api_is_not_reachable_through_the_gateway(stack: Stack) -> None:
    answer = call(
        stack.urls["gateway"] + "/api/inventory/reservations",
        "POST",
        RESERVATION,
        token=stack.admin_token(),
    )

    assert answer.status == 404


def test_reservations_refuse_even_an_admin_token_without_the_order_services_scope(
    stack: Stack,
) -> None:
    answer = call(
        stack.urls["inventory"] + "/api/inventory/reservations",
        "POST",
        RESERVATION,
        token=stack.admin_token(),
    )

    assert answer.status == 403
    assert answer.body["type"] == "urn:shopstack:problem:forbidden"
