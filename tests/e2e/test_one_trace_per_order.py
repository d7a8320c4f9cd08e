"""One order, one trace: order → product and order → inventory, exported to a real OTLP
receiver, and the order service's log lines carry the same trace id."""

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from testkit.otlp import OtlpReceiver, ReceivedSpan, otlp_receiver

from .stack import Stack, make_up


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with otlp_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def traced_stack(
    tmp_path_factory: pytest.TempPathFactory, receiver: OtlpReceiver
) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("traced")
    with make_up(
        workdir / "data",
        workdir / "make-up.log",
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY="100",
    ) as running:
        yield running


def spans_of_trace(receiver: OtlpReceiver, trace_id: str, services: set[str]) -> list[ReceivedSpan]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        spans = [span for span in receiver.spans if span.trace_id == trace_id]
        if services <= {span.service for span in spans} and any(
            span.service == "order" and span.kind == "SPAN_KIND_SERVER" for span in spans
        ):
            return spans
        time.sleep(0.1)
    raise AssertionError(f"trace {trace_id} incomplete: {receiver.spans}")


def test_an_order_makes_one_trace_across_the_three_services(
    traced_stack: Stack, receiver: OtlpReceiver
) -> None:
    line = {"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}
    order = traced_stack.place_guest_order([line])
    order_number = order["orderNumber"]
    order_server = _await_order_server_span(receiver)

    spans = spans_of_trace(receiver, order_server.trace_id, {"order", "product", "inventory"})

    by_id = {span.span_id: span for span in spans}
    assert order_server.parent_span_id == ""
    for callee, route in (
        ("product", "/api/product"),
        ("inventory", "/api/inventory/reservations"),
    ):
        server = next(s for s in spans if s.service == callee and s.kind == "SPAN_KIND_SERVER")
        client = by_id[server.parent_span_id]
        assert client.service == "order"
        assert client.kind == "SPAN_KIND_CLIENT"
        assert _root_of(client, by_id) is order_server
        assert route in server.name
    database_spans = [
        s for s in spans if "db.system" in s.attributes or "db.system.name" in s.attributes
    ]
    assert {s.service for s in database_spans} >= {"order", "inventory"}

    logged = _order_log_lines(traced_stack.log, order_server.trace_id)
    assert any(entry.get("route") == "/api/order/create" for entry in logged), logged
    assert all(entry["service"] == "order" for entry in logged)
    assert order_number


def _await_order_server_span(receiver: OtlpReceiver) -> ReceivedSpan:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for span in receiver.spans:
            if (
                span.service == "order"
                and span.kind == "SPAN_KIND_SERVER"
                and "create" in span.name
            ):
                return span
        time.sleep(0.1)
    raise AssertionError(f"no order server span among {receiver.spans}")


def _root_of(span: ReceivedSpan, by_id: dict[str, ReceivedSpan]) -> ReceivedSpan:
    while span.parent_span_id in by_id:
        span = by_id[span.parent_span_id]
    return span


def _order_log_lines(log: Path, trace_id: str) -> list[dict[str, object]]:
    entries = []
    for line in log.read_text().splitlines():
        name, _, rest = line.partition(" | ")
        if name.split()[-1:] == ["order.1"] and rest.startswith("{"):
            entry = json.loads(rest)
            if entry.get("trace_id") == trace_id:
                entries.append(entry)
    return entries


def test_latency_buckets_carry_the_trace_id_as_an_exemplar_for_openmetrics(
    traced_stack: Stack, receiver: OtlpReceiver
) -> None:
    line = {"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}
    traced_stack.place_guest_order([line])
    request = urllib.request.Request(
        traced_stack.urls["order"] + "/actuator/prometheus",
        headers={"Accept": "application/openmetrics-text; version=1.0.0"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        exposition = response.read().decode()

    exemplars = [
        sample.exemplar.labels["trace_id"]
        for family in text_string_to_metric_families(exposition)  # type: ignore[no-untyped-call]
        for sample in family.samples
        if sample.name == "http_server_requests_seconds_bucket"
        and sample.labels["uri"] == "/api/order/create"
        and sample.exemplar is not None
    ]
    assert exemplars
    traced = {span.trace_id for span in receiver.spans}
    deadline = time.monotonic() + 20
    while not set(exemplars) & traced and time.monotonic() < deadline:
        time.sleep(0.1)
        traced = {span.trace_id for span in receiver.spans}
    assert set(exemplars) & traced, "an exemplar links to a trace the receiver holds"
