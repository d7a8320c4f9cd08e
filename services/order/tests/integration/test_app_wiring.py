"""The composition root, over real HTTP: the store it opens, what it leaves out of readiness,
and the token it gets by client credentials for its calls to product and inventory."""

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from order_service.bootstrap import RESERVATION_SCOPE
from order_service.config import Settings
from order_service.main import create_app
from shopkit.auth import AuthSettings, Principal, open_verifier
from testkit.asgi import started
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread
from testkit.network import free_port

CLIENT_ID = "order-service"
ONE_MUG = {"orderLineItemsListDto": [{"skuCode": "mug", "quantity": 1}]}


@pytest.fixture
def issuer(token_issuer_factory: Callable[[], TestIssuer]) -> TestIssuer:
    return token_issuer_factory()


@pytest.fixture
def client_secret(issuer: TestIssuer) -> str:
    return issuer.register_client(CLIENT_ID, scopes=[RESERVATION_SCOPE])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def settings_for(database_url: str, issuer: TestIssuer, peers: str, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "product_url": peers,
        "inventory_url": peers,
        "call_attempts": 1,
        "auth": AuthSettings(issuer=issuer.url),
    }
    return Settings(**(values | changes))


@pytest.fixture
async def alone(
    order_database_url: str, issuer: TestIssuer, client_secret: str
) -> AsyncIterator[aiohttp.ClientSession]:
    """The order service on its own store, with product and inventory not running."""
    nobody = f"http://127.0.0.1:{free_port()}"
    settings = settings_for(order_database_url, issuer, nobody, client_secret=client_secret)
    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as session:
            yield session


async def test_the_store_is_migrated_on_start_and_is_all_readiness_waits_for(
    alone: aiohttp.ClientSession, issuer: TestIssuer
) -> None:
    async with alone.get("/actuator/health/readiness") as response:
        assert response.status == 200
        assert await response.json() == {"status": "UP", "components": {"db": {"status": "UP"}}}
    async with alone.get("/api/order", headers=bearer(issuer.mint("alice"))) as response:
        assert response.status == 200
        assert await response.json() == []


async def test_an_order_while_the_catalog_is_down_is_a_503_and_stores_nothing(
    alone: aiohttp.ClientSession, issuer: TestIssuer
) -> None:
    async with alone.post("/api/order/create", json=ONE_MUG) as response:
        problem = await response.json(content_type=None)
        assert response.status == 503
        assert response.headers["Retry-After"] == "2"
    assert problem["detail"] == "product is unavailable; nothing was ordered. Try again."
    admin = bearer(issuer.mint("root", roles=["admin"]))
    async with alone.get("/api/order", headers=admin) as response:
        assert await response.json() == []


async def test_the_order_outcomes_are_exposed_as_metrics(alone: aiohttp.ClientSession) -> None:
    async with alone.get("/actuator/prometheus") as response:
        exposition = await response.text()

    for outcome in ("confirmed", "rejected", "failed", "cancelled"):
        assert f'orders_placed_total{{outcome="{outcome}"}} 0.0' in exposition
        assert f'orders_recovered_total{{outcome="{outcome}"}} 0.0' in exposition
    assert "order_value_total 0.0" in exposition


@dataclass
class RecordingPeers:
    """Product and inventory as the order service sees them, remembering what it sent."""

    authorizations: list[tuple[str, str | None]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/product", self._products),
                Route("/api/inventory/reservations", self._reserve, methods=["POST"]),
            ]
        )

    async def _products(self, request: Request) -> JSONResponse:
        self.authorizations.append((request.url.path, request.headers.get("authorization")))
        return JSONResponse([{"skuCode": "mug", "price": 12.5}])

    async def _reserve(self, request: Request) -> JSONResponse:
        self.authorizations.append((request.url.path, request.headers.get("authorization")))
        return JSONResponse({"status": "RESERVED"}, status_code=201)


@pytest.fixture
def peers() -> Iterator[tuple[str, RecordingPeers]]:
    recording = RecordingPeers()
    with serve_in_thread(recording.app()) as url:
        yield url, recording


async def test_catalog_and_reservation_calls_carry_one_client_credentials_token(
    order_database_url: str,
    issuer: TestIssuer,
    peers: tuple[str, RecordingPeers],
    tmp_path: Path,
) -> None:
    url, recording = peers
    secret_file = tmp_path / "client-secret"
    secret_file.write_text(issuer.register_client(CLIENT_ID, scopes=[RESERVATION_SCOPE]) + "\n")
    settings = settings_for(
        order_database_url, issuer, url, client_secret_file=secret_file, price_cache_seconds=0
    )

    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as session:
            for _ in range(3):
                async with session.post("/api/order/create", json=ONE_MUG) as response:
                    assert response.status == 201, await response.text()

    paths = [path for path, _ in recording.authorizations]
    assert paths == ["/api/product", "/api/inventory/reservations"] * 3
    [header] = {authorization for _, authorization in recording.authorizations}
    assert header is not None
    assert header.startswith("Bearer ")
    assert issuer.token_requests == 1
    verified = await _verified(issuer, header.removeprefix("Bearer "))
    assert (verified.subject, verified.is_service) == (CLIENT_ID, True)
    assert verified.scopes == {RESERVATION_SCOPE}


async def _verified(issuer: TestIssuer, token: str) -> Principal:
    async with open_verifier(AuthSettings(issuer=issuer.url)) as verifier:
        return await verifier.verify(token)


async def test_a_token_endpoint_that_is_down_makes_an_order_a_503_that_takes_nothing(
    order_database_url: str,
    issuer: TestIssuer,
    client_secret: str,
    peers: tuple[str, RecordingPeers],
) -> None:
    url, recording = peers
    dead_token_endpoint = f"http://127.0.0.1:{free_port()}/token"
    settings = settings_for(
        order_database_url,
        issuer,
        url,
        client_secret=client_secret,
        token_url=dead_token_endpoint,
    )

    with serve_in_thread(create_app(settings)) as base_url:
        async with aiohttp.ClientSession(base_url=base_url) as session:
            async with session.post("/api/order/create", json=ONE_MUG) as response:
                problem = await response.json(content_type=None)
                assert response.status == 503
            admin = bearer(issuer.mint("root", roles=["admin"]))
            async with session.get("/api/order", headers=admin) as response:
                assert await response.json() == []

    assert problem["detail"] == (
        "the token endpoint is unavailable; nothing was ordered. Try again."
    )
    assert recording.authorizations == []


async def test_a_wrong_client_secret_gets_no_token_and_orders_nothing(
    order_database_url: str, issuer: TestIssuer, peers: tuple[str, RecordingPeers]
) -> None:
    url, recording = peers
    issuer.register_client(CLIENT_ID, scopes=[RESERVATION_SCOPE])
    settings = settings_for(order_database_url, issuer, url, client_secret="not-the-secret")

    with serve_in_thread(create_app(settings)) as base_url:
        async with (
            aiohttp.ClientSession(base_url=base_url) as session,
            session.post("/api/order/create", json=ONE_MUG) as response,
        ):
            assert response.status == 503

    assert recording.authorizations == []


async def test_the_service_does_not_start_without_its_client_secret(
    order_database_url: str, issuer: TestIssuer
) -> None:
    settings = settings_for(order_database_url, issuer, "http://127.0.0.1:9")

    with pytest.raises(ValueError, match="ORDER_CLIENT_SECRET or ORDER_CLIENT_SECRET_FILE"):
        async with started(create_app(settings)):
            pass
