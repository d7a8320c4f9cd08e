"""Loki, promtail, Tempo, the OpenTelemetry Collector and Grafana's links between them.

None of these can run on the CI machine (no registry here ships them), so these tests check
their wiring: ports that must agree, where each component sends what, and that a real log
line of the services parses the way promtail expects.
"""

import configparser
import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from shopkit.logging import JsonFormatter

from .files import GRAFANA_DIR, MONITORING, load_yaml

DATASOURCES = GRAFANA_DIR / "provisioning" / "datasources" / "datasources.yml"


def _datasources() -> dict[str, dict[str, Any]]:
    return {source["type"]: source for source in load_yaml(DATASOURCES)["datasources"]}


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def test_datasources_reach_the_compose_services_by_name() -> None:
    sources = _datasources()
    assert sources["prometheus"]["url"] == "http://prometheus:9090"
    assert sources["loki"]["url"] == "http://loki:3100"
    assert sources["tempo"]["url"] == "http://tempo:3200"
    assert len({source["uid"] for source in sources.values()}) == 3
    loki = load_yaml(MONITORING / "loki" / "loki.yml")
    tempo = load_yaml(MONITORING / "tempo" / "tempo.yml")
    assert loki["server"]["http_listen_port"] == urlsplit(sources["loki"]["url"]).port
    assert tempo["server"]["http_listen_port"] == urlsplit(sources["tempo"]["url"]).port


def test_metrics_logs_and_traces_link_to_each_other_by_trace_id() -> None:
    sources = _datasources()
    uid = {kind: source["uid"] for kind, source in sources.items()}
    exemplar = sources["prometheus"]["jsonData"]["exemplarTraceIdDestinations"]
    # The services label their exemplars trace_id (docs/observability.md).
    assert exemplar == [
        {"name": "trace_id", "datasourceUid": uid["tempo"], "urlDisplayLabel": "View trace"}
    ]
    to_logs = sources["tempo"]["jsonData"]["tracesToLogsV2"]
    assert to_logs["datasourceUid"] == uid["loki"]
    assert to_logs["filterByTraceID"] is True
    assert {"key": "service.name", "value": "service"} in to_logs["tags"]
    assert sources["tempo"]["jsonData"]["tracesToMetrics"]["datasourceUid"] == uid["prometheus"]
    derived = sources["loki"]["jsonData"]["derivedFields"]
    assert {(field["matcherRegex"], field["datasourceUid"]) for field in derived} == {
        ("trace_id", uid["tempo"])
    }


def test_promtail_ships_to_loki_with_trace_id_as_metadata_not_a_label() -> None:
    promtail = load_yaml(MONITORING / "promtail" / "promtail.yml")
    loki = load_yaml(MONITORING / "loki" / "loki.yml")
    push = urlsplit(promtail["clients"][0]["url"])
    assert (push.hostname, push.port, push.path) == (
        "loki",
        loki["server"]["http_listen_port"],
        "/loki/api/v1/push",
    )
    stages = {
        next(iter(stage)): next(iter(stage.values()))
        for stage in promtail["scrape_configs"][0]["pipeline_stages"]
    }
    assert set(stages["labels"]) == {"level", "service"}
    assert {"trace_id", "span_id"} <= set(stages["structured_metadata"])
    # Loki refuses structured metadata unless allowed, and stores it from schema v13 on.
    assert loki["limits_config"]["allow_structured_metadata"] is True
    assert loki["schema_config"]["configs"][-1]["schema"] == "v13"


def test_a_real_service_log_line_has_every_field_promtail_extracts() -> None:
    promtail = load_yaml(MONITORING / "promtail" / "promtail.yml")
    stages = promtail["scrape_configs"][0]["pipeline_stages"]
    expressions = next(stage["json"]["expressions"] for stage in stages if "json" in stage)
    timestamp = next(stage["timestamp"] for stage in stages if "timestamp" in stage)
    record = logging.LogRecord(
        "order_service", logging.INFO, __file__, 1, "order placed", None, None
    )
    span = SpanContext(
        trace_id=0x5B8AA5A2D2C872E8321CF37308D69DF2,
        span_id=0x051581BF3CB55C13,
        is_remote=False,
        trace_flags=TraceFlags(1),
    )
    with trace.use_span(NonRecordingSpan(span)):
        line = json.loads(JsonFormatter("order").format(record))
    extracted = {name: line[source] for name, source in expressions.items()}
    assert extracted["trace_id"] == "5b8aa5a2d2c872e8321cf37308d69df2"
    assert (extracted["level"], extracted["service"]) == ("INFO", "order")
    assert timestamp["format"] == "RFC3339Nano"
    datetime.fromisoformat(extracted[timestamp["source"]])


def test_collector_receives_otlp_and_exports_traces_to_tempo() -> None:
    collector = load_yaml(MONITORING / "otel-collector" / "otel-collector.yml")
    tempo = load_yaml(MONITORING / "tempo" / "tempo.yml")
    protocols = collector["receivers"]["otlp"]["protocols"]
    assert (_port(protocols["grpc"]["endpoint"]), _port(protocols["http"]["endpoint"])) == (
        4317,
        4318,
    )
    pipeline = collector["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    (exporter,) = pipeline["exporters"]
    endpoint = collector["exporters"][exporter]["endpoint"]
    tempo_grpc = tempo["distributor"]["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"]
    assert endpoint == f"tempo:{_port(tempo_grpc)}"
    assert exporter.split("/")[0] == "otlp"  # OTLP over gRPC, what Tempo's receiver speaks
    assert set(pipeline["processors"]) <= set(collector["processors"])
    assert set(collector["service"]["extensions"]) <= set(collector["extensions"])


def test_exporter_examples_hold_no_secret_and_real_files_are_ignored() -> None:
    mycnf = configparser.ConfigParser()
    mycnf.read(MONITORING / "mysqld-exporter" / ".my.cnf.example")
    assert mycnf["client"]["password"] == "CHANGE_ME"
    mongo = (MONITORING / "mongodb-exporter" / "mongodb-exporter.env.example").read_text()
    assert "exporter:CHANGE_ME@" in mongo
    ignored = (MONITORING / ".gitignore").read_text().split()
    assert {
        "mysqld-exporter/.my.cnf",
        "mongodb-exporter/mongodb-exporter.env",
        "alertmanager/secrets/",
    } <= set(ignored)
