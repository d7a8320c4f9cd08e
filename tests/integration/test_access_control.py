"""Deny by default across the platform: admin endpoints need an admin, and a token that is not
the issuer's own, valid, unaltered, is refused by the order service, never taken for a guest."""

from collections.abc import Callable
from typing import Any

import pytest

from testkit.http import assert_problem
from testkit.issuer import TestIssuer

from .platform import GUEST, Headers, Shop, bearer


def admin_calls(sku: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        ("product", "POST", "/api/product/create", {"name": sku, "price": 1.0, "skuCode": sku}),
        ("inventory", "PUT", f"/api/inventory/{sku}", {"quantity": 1_000}),
    ]


@pytest.mark.parametrize(("who", "refused_with"), [("anonymous", 401), ("customer", 403)])
async def test_admin_endpoints_refuse_anonymous_and_customer_calls(
    shop: Shop, who: str, refused_with: int
) -> None:
    headers = GUEST if who == "anonymous" else shop.customer
    sku = await shop.new_product(stock=2)

    for service, method, path, body in admin_calls(f"{sku}-new") + admin_calls(sku):
        async with shop.http.request(
            method, shop.url(service, path), json=body, headers=headers
        ) as response:
            await assert_problem(response, refused_with)

    assert await shop.stock(sku, f"{sku}-new") == {sku: 2, f"{sku}-new": 0}
    async with shop.http.get(
        shop.url("product", "/api/product"), params={"skuCode": f"{sku}-new"}
    ) as response:
        assert await response.json() == []


async def test_a_service_token_without_the_admin_role_lists_no_orders(shop: Shop) -> None:
    token = shop.platform.issuer.mint_service("inventory-service", scopes=["inventory:reserve"])

    status, problem = await shop.list_orders(by=bearer(token))

    assert status == 403
    assert problem["type"].endswith("forbidden")


def _claims_altered_after_signing(issuer: TestIssuer) -> str:
    header, _, signature = issuer.mint("mallory").split(".")
    _, admin_claims, _ = issuer.mint("mallory", roles=["admin"]).split(".")
    return f"{header}.{admin_claims}.{signature}"


ATTACK_TOKENS: dict[str, Callable[[TestIssuer], str]] = {
    "alg none": lambda issuer: issuer.unsigned_token(roles=["admin"]),
    "HS256 signed with the public key": lambda issuer: issuer.hmac_token_with_public_key(
        roles=["admin"]
    ),
    "signed by an unknown key": lambda issuer: issuer.token_from_unknown_key(roles=["admin"]),
    "forged for a published kid": lambda issuer: issuer.token_forged_for_known_kid(roles=["admin"]),
    "claims altered after signing": _claims_altered_after_signing,
    "expired": lambda issuer: issuer.expired_token(roles=["admin"]),
    "not yet valid": lambda issuer: issuer.not_yet_valid_token(roles=["admin"]),
    "for another audience": lambda issuer: issuer.wrong_audience_token(roles=["admin"]),
    "from another issuer": lambda issuer: issuer.wrong_issuer_token(roles=["admin"]),
}


@pytest.mark.parametrize("attack", ATTACK_TOKENS)
async def test_an_attack_token_is_a_401_at_every_order_route_and_orders_nothing(
    shop: Shop, attack: str
) -> None:
    sku = await shop.new_product(stock=5)
    _, order = await shop.order([(sku, 1)])
    before = await shop.all_orders()
    forged: Headers = bearer(ATTACK_TOKENS[attack](shop.platform.issuer))
    body = {"orderLineItemsDtoList": [{"skuCode": sku, "quantity": 1}]}
    number = order["orderNumber"]

    for method, path, sent in (
        ("POST", "/api/order/create", body),
        ("GET", "/api/order", None),
        ("GET", f"/api/order/{number}", None),
        ("POST", f"/api/order/{number}/cancel", None),
    ):
        async with shop.http.request(
            method, shop.url("order", path), json=sent, headers=forged
        ) as response:
            problem = await assert_problem(response, 401)
            assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert problem["type"].endswith("unauthenticated")

    assert await shop.all_orders() == before
    assert await shop.stock(sku) == {sku: 4}
