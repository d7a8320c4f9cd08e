"""Who may call what, over real HTTP: anyone reads the catalog, only an admin changes it."""

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from product_service.config import Settings
from product_service.main import create_app
from shopkit.auth import AuthSettings
from testkit.callers import bearer
from testkit.http import assert_problem
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread

PUBLIC_OPERATIONS = {
    ("GET", "/api/product/allProducts"),
    ("GET", "/api/product"),
    ("GET", "/api/product/{product_id}"),
}
"""Everything else the service serves (but /actuator) needs a token."""


def a_new_product() -> dict[str, Any]:
    return {"name": "Mug", "price": 12.5, "skuCode": f"sku-{secrets.token_hex(6)}"}


async def catalog(http: aiohttp.ClientSession) -> list[dict[str, Any]]:
    async with http.get("/api/product/allProducts", params={"size": 1000}) as response:
        assert response.status == 200
        products: list[dict[str, Any]] = await response.json()
        return products


async def test_an_anonymous_caller_cannot_create_a_product_and_is_challenged_for_a_bearer_token(
    http: aiohttp.ClientSession,
) -> None:
    before = await catalog(http)

    async with http.post("/api/product/create", json=a_new_product()) as response:
        body = await assert_problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:unauthenticated"
    assert challenge == "Bearer"
    assert await catalog(http) == before


async def test_a_customer_cannot_create_a_product(
    http: aiohttp.ClientSession, customer_headers: dict[str, str]
) -> None:
    before = await catalog(http)

    async with http.post(
        "/api/product/create", json=a_new_product(), headers=customer_headers
    ) as response:
        body = await assert_problem(response, 403)
        challenge = response.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:forbidden"
    assert "admin" in body["detail"]
    assert challenge == 'Bearer error="insufficient_scope"'
    assert await catalog(http) == before


async def test_an_admin_creates_a_product(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession
) -> None:
    async with admin.post("/api/product/create", json=a_new_product()) as response:
        assert response.status == 201
        created = await response.json()

    assert created in await catalog(http)


async def test_the_catalog_is_read_by_anonymous_callers_and_customers_alike(
    http: aiohttp.ClientSession, admin: aiohttp.ClientSession, customer_headers: dict[str, str]
) -> None:
    async with admin.post("/api/product/create", json=a_new_product()) as response:
        created = await response.json()
    reads = [
        "/api/product/allProducts?size=1000",
        f"/api/product?skuCode={created['skuCode']}",
        f"/api/product/{created['id']}",
    ]

    for path in reads:
        for headers in ({}, customer_headers):
            async with http.get(path, headers=headers) as response:
                assert response.status == 200, path
                answer = await response.json()
            assert created == answer or created in answer, path


async def test_every_operation_but_the_public_reads_refuses_an_anonymous_caller(
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
    assert ("POST", "/api/product/create") in operations
    for method, path in sorted(operations - PUBLIC_OPERATIONS):
        async with http.request(method, path.format(product_id="x"), json={}) as response:
            await assert_problem(response, 401)


def _admin(make: Callable[..., str]) -> Callable[[TestIssuer], str]:
    """The attack token `make` builds, for an admin: only the flaw can refuse it."""
    return lambda issuer: make(issuer, "ada", roles=["admin"])


ATTACK_TOKENS: dict[str, Callable[[TestIssuer], str]] = {
    "alg none": _admin(TestIssuer.unsigned_token),
    "HS256 signed with the public key": _admin(TestIssuer.hmac_token_with_public_key),
    "signed by an unknown key": _admin(TestIssuer.token_from_unknown_key),
    "forged for a published kid": _admin(TestIssuer.token_forged_for_known_kid),
    "expired": _admin(TestIssuer.expired_token),
    "not yet valid": _admin(TestIssuer.not_yet_valid_token),
    "for another audience": _admin(TestIssuer.wrong_audience_token),
    "from another issuer": _admin(TestIssuer.wrong_issuer_token),
}


@pytest.mark.parametrize("attack", ATTACK_TOKENS)
async def test_an_attack_token_claiming_admin_is_refused_with_401_and_nothing_is_created(
    attack: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    token = ATTACK_TOKENS[attack](token_issuer)
    before = await catalog(http)

    async with http.post(
        "/api/product/create", json=a_new_product(), headers=bearer(token)
    ) as response:
        body = await assert_problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:unauthenticated"
    assert challenge == 'Bearer error="invalid_token"'
    assert await catalog(http) == before


async def test_an_admin_token_of_an_issuer_the_service_is_not_configured_for_is_refused(
    http: aiohttp.ClientSession, token_issuer_factory: Callable[[], TestIssuer]
) -> None:
    stranger = token_issuer_factory()

    async with http.post(
        "/api/product/create",
        json=a_new_product(),
        headers=bearer(stranger.mint("ada", roles=["admin"])),
    ) as response:
        await assert_problem(response, 401)


async def test_a_service_configured_for_another_issuer_trusts_its_tokens_and_no_longer_ours(
    token_issuer: TestIssuer,
    token_issuer_factory: Callable[[], TestIssuer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    other = token_issuer_factory()
    monkeypatch.setenv("AUTH_ISSUER", other.url)
    monkeypatch.setenv("AUTH_AUDIENCE", other.audience)
    monkeypatch.setenv("AUTH_JWKS_URL", other.jwks_url)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/product.db")

    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as http:
            async with http.post(
                "/api/product/create",
                json=a_new_product(),
                headers=bearer(other.mint("ada", roles=["admin"])),
            ) as accepted:
                assert accepted.status == 201
            async with http.post(
                "/api/product/create",
                json=a_new_product(),
                headers=bearer(token_issuer.mint("ada", roles=["admin"])),
            ) as refused:
                await assert_problem(refused, 401)
            assert len(await catalog(http)) == 1


async def test_anonymous_reads_never_reach_the_issuer_and_the_first_token_fetches_its_keys_once(
    token_issuer_factory: Callable[[], TestIssuer], tmp_path: Path
) -> None:
    issuer = token_issuer_factory()
    auth = AuthSettings(issuer=issuer.url, audience=issuer.audience, jwks_url=issuer.jwks_url)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/product.db", auth=auth)
    admin = bearer(issuer.mint("ada", roles=["admin"]))

    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as http:
            for _ in range(3):
                assert await catalog(http) == []
            keys_fetched_by_reads = issuer.jwks_fetches
            for _ in range(2):
                async with http.post(
                    "/api/product/create", json=a_new_product(), headers=admin
                ) as response:
                    assert response.status == 201

    assert keys_fetched_by_reads == 0
    assert issuer.jwks_fetches == 1
