"""Which tokens the inventory trusts, over real HTTP: only unforged, current tokens of the
issuer its settings name, for its audience; anonymous stock checks never reach the issuer."""

from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from inventory_service.config import Settings
from inventory_service.main import create_app
from shopkit.auth import AuthSettings
from testkit.callers import bearer
from testkit.http import assert_problem
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread

from ..conftest import ORDER_SERVICE, RESERVE_SCOPE
from .stock_calls import quantity_of, reservation_of, stocked_sku


def _order_service(make: Callable[..., str]) -> Callable[[TestIssuer], str]:
    """The attack token `make` builds, shaped as the order service's own: only the flaw can
    refuse it."""
    return lambda issuer: make(
        issuer, ORDER_SERVICE, client_id=ORDER_SERVICE, scopes=[RESERVE_SCOPE]
    )


ATTACK_TOKENS: dict[str, Callable[[TestIssuer], str]] = {
    "alg none": _order_service(TestIssuer.unsigned_token),
    "HS256 signed with the public key": _order_service(TestIssuer.hmac_token_with_public_key),
    "signed by an unknown key": _order_service(TestIssuer.token_from_unknown_key),
    "forged for a published kid": _order_service(TestIssuer.token_forged_for_known_kid),
    "expired": _order_service(TestIssuer.expired_token),
    "not yet valid": _order_service(TestIssuer.not_yet_valid_token),
    "for another audience": _order_service(TestIssuer.wrong_audience_token),
    "from another issuer": _order_service(TestIssuer.wrong_issuer_token),
}


@pytest.mark.parametrize("attack", ATTACK_TOKENS)
async def test_an_attack_token_posing_as_the_order_service_is_refused_with_401_and_takes_nothing(
    attack: str, http: aiohttp.ClientSession, admin: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    token = ATTACK_TOKENS[attack](token_issuer)
    sku = await stocked_sku(admin, 5)

    async with http.post(
        "/api/inventory/reservations", json=reservation_of(sku, 5), headers=bearer(token)
    ) as response:
        body = await assert_problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:unauthenticated"
    assert challenge == 'Bearer error="invalid_token"'
    assert await quantity_of(http, sku) == 5


async def test_a_service_token_of_an_issuer_the_service_is_not_configured_for_is_refused(
    http: aiohttp.ClientSession,
    admin: aiohttp.ClientSession,
    token_issuer_factory: Callable[[], TestIssuer],
) -> None:
    stranger = token_issuer_factory()
    token = stranger.mint_service(ORDER_SERVICE, scopes=[RESERVE_SCOPE])
    sku = await stocked_sku(admin, 5)

    async with http.post(
        "/api/inventory/reservations", json=reservation_of(sku), headers=bearer(token)
    ) as response:
        await assert_problem(response, 401)

    assert await quantity_of(http, sku) == 5


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
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/inventory.db")
    theirs = bearer(other.mint_service(ORDER_SERVICE, scopes=[RESERVE_SCOPE]))
    ours = bearer(token_issuer.mint_service(ORDER_SERVICE, scopes=[RESERVE_SCOPE]))

    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as http:
            async with http.put(
                "/api/inventory/mug",
                json={"quantity": 5},
                headers=bearer(other.mint("ada", roles=["admin"])),
            ) as stocked:
                assert stocked.status == 200
            reservation = reservation_of("mug", 2)
            async with http.post(
                "/api/inventory/reservations", json=reservation, headers=theirs
            ) as accepted:
                assert accepted.status == 201
            async with http.delete(
                f"/api/inventory/reservations/{reservation['orderNumber']}", headers=ours
            ) as refused:
                await assert_problem(refused, 401)
            assert await quantity_of(http, "mug") == 3


async def test_anonymous_stock_checks_never_reach_the_issuer_and_one_token_fetches_its_keys_once(
    token_issuer_factory: Callable[[], TestIssuer], tmp_path: Path
) -> None:
    issuer = token_issuer_factory()
    auth = AuthSettings(issuer=issuer.url, audience=issuer.audience, jwks_url=issuer.jwks_url)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/inventory.db", auth=auth)
    admin = bearer(issuer.mint("ada", roles=["admin"]))

    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as http:
            for _ in range(3):
                assert await quantity_of(http, "mug") == 0
            keys_fetched_by_checks = issuer.jwks_fetches
            for quantity in (4, 5):
                async with http.put(
                    "/api/inventory/mug", json={"quantity": quantity}, headers=admin
                ) as response:
                    assert response.status == 200

    assert keys_fetched_by_checks == 0
    assert issuer.jwks_fetches == 1
