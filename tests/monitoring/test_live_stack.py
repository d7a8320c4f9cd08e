"""The monitoring stack against the real services: a real Prometheus scrapes them with the
committed scrape jobs, recording and alerting rules, a real Alertmanager routes with the
committed routing tree, and mysqld_exporter watches the real MariaDB."""

import json
import math
import secrets
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from testkit.availability import require
from testkit.mariadb import HOST, PORT
from testkit.mongo import mongo_database_url
from testkit.network import free_port, wait_for_port

from . import derived
from .files import alert_rules, concrete_query, generated_dashboards, panels, recording_rules
from .live import (
    SERVICES,
    Prometheus,
    Services,
    SlackStandIn,
    http,
    process,
    running_prometheus,
    slack_text,
    wait_until,
)
from .mariadb_user import exporter_user
from .tools import binary

CRITICAL = "#microservices-critical"
WARNING = "#microservices-alerts"
ORDER = {"orderLineItemsDtoList": [{"skuCode": "pixel_8", "price": 699.0, "quantity": 1}]}
TOO_MANY = {"orderLineItemsDtoList": [{"skuCode": "pixel_8", "price": 699.0, "quantity": 1000}]}


@dataclass
class Stack:
    services: Services
    prometheus: Prometheus
    kubernetes_prometheus: Prometheus
    alertmanager_url: str
    slack: SlackStandIn
    ports: dict[str, int]


@contextmanager
def _alertmanager(workdir: Path, port: int, slack: SlackStandIn) -> Iterator[str]:
    webhook_file = workdir / "slack-webhook-url"
    webhook_file.write_text(slack.url + "\n")
    config = workdir / "alertmanager.yml"
    config.write_text(yaml.safe_dump(derived.alertmanager(webhook_file), sort_keys=False))
    args = [
        binary("alertmanager"),
        f"--config.file={config}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",  # no gossip: a single, loopback-only instance
        "--log.level=warn",
    ]
    with process(args, workdir / "alertmanager.log"):
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"


@contextmanager
def _mysqld_exporter(workdir: Path, port: int, user: tuple[str, str]) -> Iterator[None]:
    # Debian's mysqld_exporter 0.14 refuses a .my.cnf without a password, which a dedicated
    # user (as in .my.cnf.example) has; it gets the same least-privilege grants.
    name, password = user
    mycnf = workdir / ".my.cnf"
    mycnf.write_text(
        f"[client]\nuser = {name}\npassword = {password}\nhost = {HOST}\nport = {PORT}\n"
    )
    mycnf.chmod(0o600)
    args = [
        binary("mysqld_exporter"),
        f"--config.my-cnf={mycnf}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with process(args, workdir / "mysqld-exporter.log"):
        wait_for_port(port)
        yield


def _apply_load(urls: dict[str, str], admin_token: str) -> None:
    """Catalog browsing, guest orders, a refusal for stock, a cancellation, an admin's list,
    a few 404s and the 401s of anonymous writes."""
    order, product, inventory = urls["order"], urls["product"], urls["inventory"]
    # Browsing first also warms up the stores the first order then calls through.
    for _ in range(3):
        assert http("GET", f"{product}/api/product/allProducts")[0] == 200
    assert http("GET", f"{product}/api/product?skuCode=pixel_8,iphone_13")[0] == 200
    assert http("GET", f"{inventory}/api/inventory?skuCode=pixel_8")[0] == 200
    placed = [http("POST", f"{order}/api/order/create", ORDER) for _ in range(5)]
    assert [status for status, _ in placed] == [201] * 5, placed
    status, body = http("POST", f"{order}/api/order/create", TOO_MANY)
    assert status == 409, body
    number, secret = placed[0][1]["orderNumber"], {"Order-Secret": placed[0][1]["guestSecret"]}
    assert http("POST", f"{order}/api/order/{number}/cancel", headers=secret)[0] == 200
    assert http("GET", f"{order}/api/order/{number}", headers=secret)[0] == 200
    admin = {"Authorization": f"Bearer {admin_token}"}
    assert http("GET", f"{order}/api/order?page=0&size=20", headers=admin)[0] == 200
    assert http("GET", f"{order}/api/order?page=0&size=20")[0] == 401
    assert http("PUT", f"{inventory}/api/inventory/pixel_8", {"quantity": 1})[0] == 401
    assert http("GET", f"{product}/api/product/{'0' * 24}")[0] == 404
    assert (
        http("GET", f"{order}/api/order/{'0' * 8}-0000-4000-8000-{'0' * 12}", headers=admin)[0]
        == 404
    )
    assert http("GET", f"{inventory}/api/no-such-route")[0] == 404


def _mariadb_reachable() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, mongo_wire_server: str) -> Iterator[Stack]:
    """Everything running, scraped at least once, and two rounds of load applied."""
    require(_mariadb_reachable(), f"MariaDB is not reachable on {HOST}:{PORT}")
    workdir = tmp_path_factory.mktemp("monitoring")
    dirs = {name: workdir / name for name in ("services", "prom", "k8s", "am", "exporter")}
    for path in dirs.values():
        path.mkdir()
    ports = {name: free_port() for name in ("prometheus", "k8s", "alertmanager", "exporter")}
    product_db = mongo_database_url(mongo_wire_server, "shopstack_product")
    services = Services(dirs["services"], product_db)
    with ExitStack() as stack:
        slack = stack.enter_context(SlackStandIn().serving())
        # Start everything before waiting for anything: the processes boot in parallel.
        stack.callback(services.close)
        for name in SERVICES:
            services.start(name)
        user = stack.enter_context(exporter_user())
        stack.enter_context(_mysqld_exporter(dirs["exporter"], ports["exporter"], user))
        alertmanager = stack.enter_context(_alertmanager(dirs["am"], ports["alertmanager"], slack))
        alert_rules = dirs["prom"] / "alerts-fast.yml"
        alert_rules.write_text(yaml.safe_dump(derived.fast_alert_rules(), sort_keys=False))
        targets = services.ports | {"mysqld-exporter": ports["exporter"]}
        config = derived.compose_prometheus(
            targets, ports["prometheus"], ports["alertmanager"], alert_rules
        )
        prometheus = stack.enter_context(
            running_prometheus(config, dirs["prom"], ports["prometheus"])
        )
        pods_file = dirs["k8s"] / "pods.json"
        pods_file.write_text(json.dumps(_pods(services.ports, ports["exporter"])))
        kubernetes = stack.enter_context(
            running_prometheus(
                derived.kubernetes_prometheus(pods_file, ports["k8s"]), dirs["k8s"], ports["k8s"]
            )
        )
        services.wait_ready()
        wait_until(
            lambda: {s["metric"]["job"] for s in prometheus.query("up == 1")} >= targets.keys(),
            20,
            lambda: f"targets: {prometheus.query('up')}",
        )
        # Twice: rate() sees no increase in a series' first sample, so the series the first
        # round creates only count from the second round on.
        admin_token = services.access_token("smoke")
        _apply_load(services.urls, admin_token)
        created = 'http_server_requests_seconds_count{uri="/api/order/create", status="409"}'
        wait_until(lambda: prometheus.query(created), 10, "the first round was not scraped")
        _apply_load(services.urls, admin_token)
        yield Stack(services, prometheus, kubernetes, alertmanager, slack, ports)


def _pods(service_ports: dict[str, int], exporter_port: int) -> list[dict[str, Any]]:
    annotated = {"prometheus.io/scrape": "true", "prometheus.io/path": "/actuator/prometheus"}
    return [
        *(
            derived.pod(name, port, annotated | {"prometheus.io/port": str(port)})
            for name, port in service_ports.items()
        ),
        # An exporter: not part of shopstack, default path /metrics.
        derived.pod(
            "mysqld-exporter",
            exporter_port,
            {"prometheus.io/scrape": "true", "prometheus.io/port": str(exporter_port)},
            part_of=None,
        ),
        # Not scraped: no opt-in, or the pod has finished.
        derived.pod("migrate-job", 9, {}, phase="Running"),
        derived.pod("order", 9, annotated | {"prometheus.io/port": "9"}, phase="Succeeded"),
    ]


def _has_data(result: list[dict[str, Any]]) -> bool:
    return any(math.isfinite(float(series["value"][1])) for series in result)


def test_every_dashboard_panel_returns_data(stack: Stack) -> None:
    queries = [
        (f"{board['title']} / {panel['title']} [{query['refId']}]", concrete_query(query["expr"]))
        for board in generated_dashboards().values()
        for panel in panels(board)
        for query in panel["targets"]
    ]

    def empty() -> list[str]:
        return [name for name, expr in queries if not _has_data(stack.prometheus.query(expr))]

    wait_until(lambda: not empty(), 15, lambda: f"panels without data: {empty()}")


def test_every_recording_rule_returns_data(stack: Stack) -> None:
    names = [rule["record"] for rule in recording_rules()]

    def empty() -> list[str]:
        return [name for name in names if not _has_data(stack.prometheus.query(name))]

    wait_until(lambda: not empty(), 15, lambda: f"recording rules without data: {empty()}")


def test_every_rule_evaluates_without_error_on_the_real_metrics(stack: Stack) -> None:
    groups = stack.prometheus.api("rules")["groups"]
    loaded = [rule for group in groups for rule in group["rules"]]
    assert len(loaded) == len(recording_rules()) + len(alert_rules())
    broken = [(rule["name"], rule.get("lastError")) for rule in loaded if rule["health"] == "err"]
    assert not broken


def test_mysqld_exporter_reports_the_real_mariadb_up(stack: Stack) -> None:
    result = wait_until(lambda: stack.prometheus.query("mysql_up"), 10, "no mysql_up")
    assert [series["value"][1] for series in result] == ["1"]
    assert result[0]["metric"]["job"] == "mysqld-exporter"


def test_kubernetes_config_scrapes_pods_by_their_prometheus_io_annotations(stack: Stack) -> None:
    wanted = {
        ("shopstack-pods", name, f"http://127.0.0.1:{port}/actuator/prometheus")
        for name, port in stack.services.ports.items()
    } | {
        ("annotated-pods", "mysqld-exporter", f"http://127.0.0.1:{stack.ports['exporter']}/metrics")
    }

    def scraped() -> dict[tuple[str, str, str], str]:
        targets = stack.kubernetes_prometheus.api("targets", state="active")["activeTargets"]
        return {
            (target["scrapePool"], target["labels"]["job"], target["scrapeUrl"]): target["health"]
            for target in targets
            if target["scrapePool"] != "prometheus"
        }

    # Exactly the annotated, running pods are targets, and each answers on its annotation.
    wait_until(
        lambda: scraped().keys() == wanted and set(scraped().values()) == {"up"},
        15,
        lambda: f"{scraped()} != {wanted}",
    )
    # The same series names as under compose: a service is its job.
    assert {s["metric"]["job"] for s in stack.kubernetes_prometheus.query("db_up")} == set(SERVICES)


def test_low_stock_reaches_the_alerts_channel_from_real_metrics(stack: Stack) -> None:
    # The demo stock has SKUs under 5 units (iphone_13_red, airpods_pro).
    message = stack.slack.wait_for(lambda m: "LowStock" in slack_text(m), 30)
    assert message["channel"] == WARNING
    assert "#lowstock" in slack_text(message)


def test_inventory_down_pages_the_critical_channel_then_sends_the_resolution(stack: Stack) -> None:
    def about_inventory_down(status: str) -> Any:
        return lambda m: (
            f"[{status}" in slack_text(m) and "ServiceDown (inventory)" in slack_text(m)
        )

    stack.services.stop("inventory")
    try:
        firing = stack.slack.wait_for(about_inventory_down("FIRING"), 30)
    finally:
        stack.services.start("inventory")
    text = slack_text(firing)
    assert firing["channel"] == CRITICAL
    for label in ("alertname=ServiceDown", "service=inventory", "severity=critical"):
        assert label in text
    assert "https://github.com/shopstack/shopstack/blob/main/docs/runbooks.md#servicedown" in text
    stack.services.wait_ready("inventory")
    resolved = stack.slack.wait_for(about_inventory_down("RESOLVED"), 30)
    assert resolved["channel"] == CRITICAL


def test_a_down_service_silences_its_other_alerts_but_not_other_services(stack: Stack) -> None:
    probe, control = f"probe-{secrets.token_hex(3)}", f"control-{secrets.token_hex(3)}"

    def alert(name: str, service: str, severity: str) -> dict[str, Any]:
        labels = {"alertname": name, "service": service, "severity": severity}
        return {"labels": labels, "annotations": {"summary": name, "runbook_url": "x"}}

    alerts = [
        alert("ServiceDown", probe, "critical"),
        alert("HighLatency", probe, "warning"),
        alert("HighLatency", control, "warning"),
    ]
    status, body = http("POST", f"{stack.alertmanager_url}/api/v2/alerts", alerts)
    assert status == 200, body
    stack.slack.wait_for(lambda m: f"ServiceDown ({probe})" in slack_text(m), 15)
    stack.slack.wait_for(lambda m: f"HighLatency ({control})" in slack_text(m), 15)

    def inhibited() -> bool:
        _, found = http(
            "GET", f"{stack.alertmanager_url}/api/v2/alerts?filter=service%3D%22{probe}%22"
        )
        states = {a["labels"]["alertname"]: a["status"]["inhibitedBy"] for a in found}
        return bool(states.get("HighLatency")) and not states.get("ServiceDown")

    wait_until(inhibited, 5, "HighLatency of the down service is not inhibited")
    assert not [m for m in stack.slack.received() if f"HighLatency ({probe})" in slack_text(m)]
