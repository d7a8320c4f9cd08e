"""The fault flags' rules and their middleware, in-process: OpenFeature's in-memory provider
stands where flagd's is in production (no file, no socket)."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openfeature.provider.in_memory_provider import InMemoryFlag, InMemoryProvider
from starlette.types import Message

from shopkit.faults import (
    FLAGS,
    FaultFlags,
    FaultInjectionMiddleware,
    FaultSettings,
    InvalidFaultValueError,
    UnknownFaultFlagError,
    database_fault,
    flag_named,
    flags_of,
)
from shopkit.faults.flags import flag_document, values_in
from shopkit.faults.runtime import route_templates


def _provider(**values: Any) -> InMemoryProvider:
    return InMemoryProvider(
        {name: InMemoryFlag("on", {"on": value}) for name, value in values.items()}
    )


def _app(service: str, provider: InMemoryProvider | None, chance: float = 0.0) -> Any:
    app = FastAPI()

    @app.get("/api/stock/{sku}")
    async def stock(sku: str) -> dict[str, str]:
        await database_fault()
        return {"sku": sku}

    @app.get("/actuator/health")
    async def health() -> dict[str, str]:
        return {"status": "UP"}

    faults = FaultFlags(flags_of(service), provider)
    faults.start()
    return FaultInjectionMiddleware(app, faults, route_templates(app), chance=lambda: chance)


async def _get(app: Any, path: str) -> tuple[int, dict[str, str], Any, dict[str, Any]]:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"service.test")],
        "client": ("127.0.0.1", 50000),
        "server": ("service.test", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, json.loads(body), scope


async def test_with_every_flag_off_requests_pass_untouched() -> None:
    app = _app("inventory", _provider(), chance=0.0)
    status, _, body, _ = await _get(app, "/api/stock/pixel_8")
    assert (status, body) == (200, {"sku": "pixel_8"})


async def test_product_unavailable_answers_its_api_503_problem_with_retry_after() -> None:
    app = _app("product", _provider(productUnavailable=True))
    status, headers, body, scope = await _get(app, "/api/stock/pixel_8")
    assert status == 503
    assert headers["content-type"] == "application/problem+json"
    assert headers["retry-after"] == "5"
    assert body["type"] == "urn:shopstack:problem:service-unavailable"
    assert body["fault"] == "productUnavailable"
    # Labelled with the route it would have matched, not UNKNOWN, in the request metrics.
    assert scope["route"].path == "/api/stock/{sku}"


async def test_health_stays_truthful_while_a_fault_is_on() -> None:
    app = _app("product", _provider(productUnavailable=True))
    status, _, body, _ = await _get(app, "/actuator/health")
    assert (status, body) == (200, {"status": "UP"})


async def test_inventory_errors_fail_the_drawn_share_with_500_problem() -> None:
    failing = _app("inventory", _provider(inventoryErrorRatio=0.3), chance=0.29)
    status, headers, body, _ = await _get(failing, "/api/stock/pixel_8")
    assert status == 500
    assert headers["content-type"] == "application/problem+json"
    assert body["type"] == "urn:shopstack:problem:injected-fault"
    passing = _app("inventory", _provider(inventoryErrorRatio=0.3), chance=0.3)
    assert (await _get(passing, "/api/stock/pixel_8"))[0] == 200


async def test_inventory_latency_delays_the_api_request() -> None:
    app = _app("inventory", _provider(inventoryLatencyMs=200))
    started = time.perf_counter()
    assert (await _get(app, "/api/stock/pixel_8"))[0] == 200
    assert time.perf_counter() - started >= 0.2


async def test_slow_database_delays_each_unit_of_work_of_the_request() -> None:
    app = _app("inventory", _provider(databaseLatencyMs=150))
    started = time.perf_counter()
    assert (await _get(app, "/api/stock/pixel_8"))[0] == 200
    assert time.perf_counter() - started >= 0.15


async def test_outside_a_request_the_database_is_not_delayed() -> None:
    started = time.perf_counter()
    await database_fault()
    assert time.perf_counter() - started < 0.05


async def test_a_flag_targets_only_its_own_service() -> None:
    app = _app("order", _provider(productUnavailable=True, inventoryErrorRatio=1.0))
    assert (await _get(app, "/api/stock/pixel_8"))[0] == 200


def test_a_mistyped_or_out_of_range_value_counts_as_off() -> None:
    faults = FaultFlags(
        flags_of("inventory"),
        _provider(inventoryLatencyMs=-5, inventoryErrorRatio=7.0, databaseLatencyMs="slow"),
    )
    faults.start()
    assert faults.values() == {
        "inventoryLatencyMs": 0,
        "inventoryErrorRatio": 0.0,
        "databaseLatencyMs": 0,
    }


def test_without_a_provider_every_flag_is_off() -> None:
    faults = FaultFlags(flags_of("inventory"), None)
    faults.start()
    assert set(faults.values().values()) == {0}


def test_every_flag_targets_a_service_and_is_off_by_default() -> None:
    assert {flag.service for flag in FLAGS} == {"inventory", "product"}
    assert values_in(flag_document({})) == {flag.name: flag.off for flag in FLAGS}


def test_the_flag_document_round_trips_the_values_in_force() -> None:
    values = {"inventoryLatencyMs": 750, "productUnavailable": True, "inventoryErrorRatio": 0.25}
    document = flag_document(values)
    assert document["$schema"] == "https://flagd.dev/schema/v0/flags.json"
    assert document["flags"]["inventoryLatencyMs"]["defaultVariant"] == "on"
    assert document["flags"]["databaseLatencyMs"]["defaultVariant"] == "off"
    assert values_in(document) == {**values, "databaseLatencyMs": 0}


def test_a_disabled_or_broken_definition_reads_as_off() -> None:
    document = flag_document({"inventoryLatencyMs": 750, "productUnavailable": True})
    document["flags"]["inventoryLatencyMs"]["state"] = "DISABLED"
    document["flags"]["productUnavailable"]["variants"]["on"] = "yes"
    assert values_in(document)["inventoryLatencyMs"] == 0
    assert values_in(document)["productUnavailable"] is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("inventoryLatencyMs", -1),
        ("inventoryLatencyMs", 30_001),
        ("inventoryLatencyMs", 1.5),
        ("inventoryLatencyMs", True),
        ("inventoryErrorRatio", 1.01),
        ("inventoryErrorRatio", "half"),
        ("productUnavailable", 1),
    ],
)
def test_values_of_the_wrong_type_or_range_are_refused(name: str, value: object) -> None:
    with pytest.raises(InvalidFaultValueError):
        flag_named(name).validated(value)


def test_an_unknown_flag_is_refused() -> None:
    with pytest.raises(UnknownFaultFlagError):
        flag_named("everythingOnFire")


def test_without_a_source_there_is_no_provider() -> None:
    assert FaultSettings().provider() is None


def test_a_file_and_a_flagd_server_at_once_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        FaultSettings(flag_file=Path("flags.json"), flagd_host="flagd")
