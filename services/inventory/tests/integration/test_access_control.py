"""Who may call what, over real HTTP: anyone checks stock, only an admin sets it, and only the
order service's own token reserves, reads and releases stock."""

import uuid
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from shopkit.auth import ClientCredentials
from testkit.callers import bearer
from testkit.http import assert_problem
from testkit.issuer import TestIssuer

from ..conftest import ORDER_SERVICE, RESERVE_SCOPE
from .stock_calls import quantity_of, reservation_of, reserved, status_of, stocked_sku

PUBLIC_OPERATIONS = {("GET", "/api/inventory")}
"""Everything else the service serves (but /actuator) needs a token."""

BARE_CHALLENGE = "Bearer"
INSUFFICIENT_SCOPE_CHALLENGE = 'Bearer error="insufficient_scope"'


async def test_stock_is_checked_by_anonymous_callers_customers_and_the_order_service(
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    customer_headers: dict[str, str],
    order_service_headers: dict[str, str],
) -> None:
    sku = await stocked_sku(admin, 4)

    for headers in ({}, customer_headers, order_service_headers):
        async with http.get("/api/inventory", params={"skuCode": sku}, headers=headers) as answer:
            assert answer.status == 200
            assert await answer.json() == [{"skuCode": sku, "isInStock": True, "quantity": 4}]


async def test_every_operation_but_the_stock_check_refuses_an_anonymous_caller(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/openapi.json") as response:
        paths: dict[str, dict[str, Any]] = (await response.json())["paths"]
    operations = {
        (method.upper(), path)
        for path, methods in paths.items()
        if not path.startswith("/actuator")
        for method in methods
    }

    assert operations >= PUBLIC_OPERATIONS
    assert ("DELETE", "/api/inventory/reservations/{orderNumber}") in operations
    for method, path in sorted(operations - PUBLIC_OPERATIONS):
        target = path.format(sku_code="mug", orderNumber=uuid.uuid4())
        async with http.request(method, target, json={}) as response:
            await assert_problem(response, 401)


async def test_an_anonymous_caller_cannot_set_stock_and_is_challenged_for_a_bearer_token(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    sku = await stocked_sku(admin, 7)

    async with http.put(f"/api/inventory/{sku}", json={"quantity": 0}) as response:
        body = await assert_problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:unauthenticated"
    assert challenge == BARE_CHALLENGE
    assert await quantity_of(http, sku) == 7


@pytest.mark.parametrize("caller", ["customer", "order service"])
async def test_only_an_admin_sets_stock_not_a_customer_nor_the_order_service(
    caller: str,
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    customer_headers: dict[str, str],
    order_service_headers: dict[str, str],
) -> None:
    headers = customer_headers if caller == "customer" else order_service_headers
    sku = await stocked_sku(admin, 7)

    async with http.put(f"/api/inventory/{sku}", json={"quantity": 0}, headers=headers) as answer:
        body = await assert_problem(answer, 403)
        challenge = answer.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:forbidden"
    assert "admin" in body["detail"]
    assert challenge == INSUFFICIENT_SCOPE_CHALLENGE
    assert await quantity_of(http, sku) == 7


REFUSED_CALLERS: dict[str, tuple[Callable[[TestIssuer], str] | None, int]] = {
    "anonymous": (None, 401),
    "customer": (lambda issuer: issuer.mint("carol", roles=["customer"]), 403),
    "admin user": (lambda issuer: issuer.mint("ada", roles=["admin"]), 403),
    "user with the scope": (lambda issuer: issuer.mint("carol", scopes=[RESERVE_SCOPE]), 403),
    "admin user with the scope": (
        lambda issuer: issuer.mint("ada", roles=["admin"], scopes=[RESERVE_SCOPE]),
        403,
    ),
    "service without the scope": (
        lambda issuer: issuer.mint_service("gateway", scopes=["inventory:read"]),
        403,
    ),
}
"""Every caller but the order service's own token, and how the reservations refuse it."""

RESERVATION_OPERATIONS = ["reserve", "read", "release"]


@pytest.mark.parametrize("operation", RESERVATION_OPERATIONS)
@pytest.mark.parametrize("caller", REFUSED_CALLERS)
async def test_reservations_refuse_every_caller_but_the_order_service_and_stock_is_unchanged(
    caller: str,
    operation: str,
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    order_service: aiohttp.ClientSession,
    token_issuer: TestIssuer,
) -> None:
    make_token, status = REFUSED_CALLERS[caller]
    headers = {} if make_token is None else bearer(make_token(token_issuer))
    sku = await stocked_sku(admin, 5)
    order = await reserved(order_service, sku, 2)

    if operation == "reserve":
        call = http.post("/api/inventory/reservations", json=reservation_of(sku), headers=headers)
    elif operation == "read":
        call = http.get(f"/api/inventory/reservations/{order}", headers=headers)
    else:
        call = http.delete(f"/api/inventory/reservations/{order}", headers=headers)
    async with call as response:
        body = await assert_problem(response, status)
        challenge = response.headers["WWW-Authenticate"]

    if status == 401:
        assert (body["type"], challenge) == ("urn:shopstack:problem:unauthenticated", "Bearer")
    else:
        assert body["type"] == "urn:shopstack:problem:forbidden"
        assert challenge == INSUFFICIENT_SCOPE_CHALLENGE
    assert "orderNumber" not in body
    assert await quantity_of(http, sku) == 3
    assert await status_of(order_service, order) == "RESERVED"


@pytest.mark.parametrize("caller", ["anonymous", "customer"])
async def test_the_stock_an_order_holds_stays_held_when_someone_else_tries_to_release_it(
    caller: str,
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    order_service: aiohttp.ClientSession,
    customer_headers: dict[str, str],
) -> None:
    sku = await stocked_sku(admin, 1)
    order = await reserved(order_service, sku, 1)
    headers, status = (customer_headers, 403) if caller == "customer" else ({}, 401)

    for _ in range(3):
        async with http.delete(f"/api/inventory/reservations/{order}", headers=headers) as r:
            await assert_problem(r, status)

    assert await quantity_of(http, sku) == 0
    assert await status_of(order_service, order) == "RESERVED"
    body = reservation_of(sku)
    async with order_service.post("/api/inventory/reservations", json=body) as response:
        assert (await assert_problem(response, 409))["type"].endswith("insufficient-stock")


async def test_the_order_service_reserves_reads_and_releases_with_its_client_credentials_token(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    secret = token_issuer.register_client(ORDER_SERVICE, scopes=[RESERVE_SCOPE])
    credentials = ClientCredentials(
        http, token_url=token_issuer.token_url, client_id=ORDER_SERVICE, client_secret=secret
    )
    headers = {"Authorization": await credentials.header()}
    sku = await stocked_sku(admin, 5)
    body = reservation_of(sku, 2)
    order = body["orderNumber"]

    async with http.post("/api/inventory/reservations", json=body, headers=headers) as created:
        assert (created.status, (await created.json())["status"]) == (201, "RESERVED")
    async with http.get(f"/api/inventory/reservations/{order}", headers=headers) as read:
        assert (read.status, (await read.json())["status"]) == (200, "RESERVED")
    assert await quantity_of(http, sku) == 3
    async with http.delete(f"/api/inventory/reservations/{order}", headers=headers) as released:
        assert (released.status, (await released.json())["status"]) == (200, "RELEASED")
    assert await quantity_of(http, sku) == 5
