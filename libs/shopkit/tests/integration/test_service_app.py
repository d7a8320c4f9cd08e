"""The app factory's shared behaviour, over real HTTP: actuator, metrics, problem+json."""

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from fastapi import APIRouter, Request
from prometheus_client.parser import text_string_to_metric_families

from shopkit.app import create_app
from shopkit.auth import public
from shopkit.errors import ProblemType
from shopkit.health import HealthCheck
from shopkit.metrics import ServiceMetrics
from shopkit.settings import ServiceSettings
from shopkit.wiring import Wired, dependencies_of
from testkit.http import assert_problem
from testkit.live_server import serve_in_thread

router = APIRouter(dependencies=[public])


@router.get("/items/{item_id}")
async def get_item(item_id: int) -> dict[str, int]:
    return {"id": item_id}


class ItemTakenError(Exception):
    """A domain error: routes raise it, the catalogue answers it."""


@router.post("/items/{item_id}/reserve")
async def reserve_item(item_id: int) -> None:
    raise ItemTakenError(f"item {item_id} is taken")


@router.get("/items/{item_id}/wiring")
async def item_wiring(item_id: int, request: Request) -> dict[str, bool]:
    return {"reachable": dependencies_of(request, Database).reachable}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internal detail")


class Database:
    """Stands in for a database the test can switch off."""

    reachable = True

    async def ping(self) -> None:
        if not self.reachable:
            raise ConnectionError("database unreachable")


database = Database()


@asynccontextmanager
async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[Database]]:
    yield Wired(database, [HealthCheck("db", database.ping)])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    settings = ServiceSettings(GIT_COMMIT="abc1234")
    app = create_app(
        service="demo",
        distribution="shopkit",
        settings=settings,
        routers=[router],
        bootstrap=bootstrap,
        problems=[ProblemType(ItemTakenError, 409, "taken", "Taken")],
    )
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[aiohttp.ClientSession]:
    database.reachable = True
    async with aiohttp.ClientSession(base_url=base_url) as session:
        yield session


async def scrape(
    http: aiohttp.ClientSession,
) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    async with http.get("/actuator/prometheus") as response:
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def request_count(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], **labels: str
) -> float:
    return sum(
        value
        for (name, sample_labels), value in samples.items()
        if name == "http_server_requests_seconds_count" and set(labels.items()) <= sample_labels
    )


async def test_health_is_up_with_each_component_when_the_database_answers(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/actuator/health") as response:
        assert response.status == 200
        assert await response.json() == {"status": "UP", "components": {"db": {"status": "UP"}}}


async def test_health_and_readiness_are_down_but_liveness_up_when_the_database_is_not(
    http: aiohttp.ClientSession,
) -> None:
    database.reachable = False

    for path in ("/actuator/health", "/actuator/health/readiness"):
        async with http.get(path) as response:
            assert response.status == 503
            assert await response.json() == {
                "status": "DOWN",
                "components": {"db": {"status": "DOWN"}},
            }
    async with http.get("/actuator/health/liveness") as response:
        assert response.status == 200
        assert await response.json() == {"status": "UP"}

    samples = await scrape(http)
    assert samples[("db_up", frozenset({("component", "db")}))] == 0


async def test_info_names_the_build_and_commit(http: aiohttp.ClientSession) -> None:
    async with http.get("/actuator/info") as response:
        body = await response.json()
    assert body["build"]["name"] == "demo"
    assert body["git"] == {"commit": {"id": "abc1234"}}


async def test_requests_are_counted_by_route_template_status_and_outcome(
    http: aiohttp.ClientSession,
) -> None:
    before = await scrape(http)
    for item in range(3):
        async with http.get(f"/items/{item}") as response:
            assert response.status == 200
    async with http.get("/items/not-a-number") as response:
        assert response.status == 422

    after = await scrape(http)

    ok = {"uri": "/items/{item_id}", "status": "200", "outcome": "SUCCESS", "method": "GET"}
    bad = {"uri": "/items/{item_id}", "status": "422", "outcome": "CLIENT_ERROR"}
    assert request_count(after, **ok) - request_count(before, **ok) == 3
    assert request_count(after, **bad) - request_count(before, **bad) == 1


async def test_a_known_mix_of_requests_is_counted_exactly(http: aiohttp.ClientSession) -> None:
    successes, not_found, conflicts = 7, 5, 3
    before = await scrape(http)

    for item in range(successes):
        async with http.get(f"/items/{item}") as response:
            assert response.status == 200
    for _ in range(not_found):
        async with http.get("/no/such/route") as response:
            assert response.status == 404
    for item in range(conflicts):
        async with http.post(f"/items/{item}/reserve") as response:
            assert response.status == 409

    after = await scrape(http)

    def counted(**labels: str) -> float:
        return request_count(after, **labels) - request_count(before, **labels)

    assert counted(uri="/items/{item_id}", outcome="SUCCESS") == successes
    assert counted(uri="UNKNOWN", status="404", outcome="CLIENT_ERROR") == not_found
    assert counted(uri="/items/{item_id}/reserve", status="409", method="POST") == conflicts
    bucket_total = sum(
        value
        for (name, labels), value in after.items()
        if name == "http_server_requests_seconds_bucket"
        and dict(labels)["uri"] == "/items/{item_id}/reserve"
        and dict(labels)["le"] == "+Inf"
    )
    assert bucket_total == conflicts


async def test_unmatched_paths_collapse_into_one_uri_label(http: aiohttp.ClientSession) -> None:
    for _ in range(1000):
        async with http.get(f"/scan/{secrets.token_hex(8)}") as response:
            await assert_problem(response, 404)

    samples = await scrape(http)

    uris = {dict(labels)["uri"] for name, labels in samples if name.startswith("http_server")}
    assert not any(uri.startswith("/scan") for uri in uris)
    assert request_count(samples, uri="UNKNOWN", status="404") >= 1000


async def test_an_unexpected_error_is_a_500_problem_without_internal_details(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/boom") as response:
        body = await assert_problem(response, 500)
    assert "secret" not in str(body)

    samples = await scrape(http)
    assert request_count(samples, uri="/boom", status="500", exception="RuntimeError") == 1


async def test_metrics_are_served_as_openmetrics_when_the_scraper_asks(
    http: aiohttp.ClientSession,
) -> None:
    headers = {"accept": "application/openmetrics-text; version=1.0.0"}
    async with http.get("/actuator/prometheus", headers=headers) as response:
        assert response.content_type == "application/openmetrics-text"
        assert (await response.text()).rstrip().endswith("# EOF")


async def test_a_catalogued_domain_error_is_answered_with_its_problem_type(
    http: aiohttp.ClientSession,
) -> None:
    async with http.post("/items/7/reserve") as response:
        body = await assert_problem(response, 409)
    assert body["type"] == "urn:shopstack:problem:taken"
    assert body["title"] == "Taken"
    assert body["detail"] == "Item 7 is taken."


async def test_routes_read_the_object_graph_the_bootstrap_built(
    http: aiohttp.ClientSession,
) -> None:
    async with http.get("/items/7/wiring") as response:
        assert response.status == 200
        assert await response.json() == {"reachable": True}
