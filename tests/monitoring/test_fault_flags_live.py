"""Each fault flag, switched on in the running services, fires its alert through a real
Prometheus and Alertmanager to the Slack stand-in; switched off, the alert resolves.

The flags are switched by writing the flag file the services watch, with the function the
gateway's admin route uses (shopkit.faults.write_flag_file): signing a browser in as admin
is web/tests/integration/test_fault_flags_api.py's to prove, and leaving it out keeps this
file within its time. Rules, routes and template are the committed ones, with every `for`
cut to 2 s and every range window to WINDOW, so that an alert resolves seconds after its
fault stops instead of after the production 5-minute window."""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from shopkit.faults import FlagValue, write_flag_file
from testkit.mongo import mongo_database_url
from testkit.network import free_port

from . import derived
from .files import RECORDING_RULES, load_yaml
from .live import (
    Prometheus,
    Services,
    SlackStandIn,
    http,
    running_alertmanager,
    running_prometheus,
    slack_text,
    wait_until,
)

WINDOW = "10s"
FIRE_SECONDS = 30
RESOLVE_SECONDS = 40
TRAFFIC_PAUSE_SECONDS = 0.05


@dataclass
class Stack:
    flag_file: Path
    prometheus: Prometheus
    slack: SlackStandIn

    def messages_after(self, seen: int, wanted: Callable[[str], bool]) -> Callable[[], str]:
        def found() -> str:
            texts = [slack_text(message) for message in self.slack.received()[seen:]]
            return next((text for text in texts if wanted(text)), "")

        return found


def _short_windows(rules: dict[str, Any]) -> dict[str, Any]:
    """The rules with every range selector (`[5m]`, `[1h]`, …) cut to WINDOW."""
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule["expr"] = re.sub(r"\[\d+[smhd]\]", f"[{WINDOW}]", rule["expr"])
    return rules


def _traffic(urls: dict[str, str], stop: threading.Event) -> None:
    """Shoppers browsing: stock and product reads, one after another, until `stop`."""
    reads = [
        f"{urls['inventory']}/api/inventory?skuCode=pixel_8",
        f"{urls['product']}/api/product?skuCode=pixel_8",
    ]
    while not stop.is_set():
        for url in reads:
            with suppress(OSError):
                http("GET", url, timeout=5)
        stop.wait(TRAFFIC_PAUSE_SECONDS)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, mongo_wire_server: str) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("fault-flags")
    dirs = {name: workdir / name for name in ("services", "prom", "am")}
    for path in dirs.values():
        path.mkdir()
    flag_file = workdir / "fault-flags.json"
    ports = {name: free_port() for name in ("prometheus", "alertmanager")}
    services = Services(
        dirs["services"],
        mongo_database_url(mongo_wire_server, "shopstack_product_faults"),
        env={"FAULTS_FLAG_FILE": str(flag_file)},
    )
    stop = threading.Event()
    with ExitStack() as stack:
        slack = stack.enter_context(SlackStandIn().serving())
        stack.callback(services.close)
        services.start()
        webhook_file = dirs["am"] / "slack-webhook-url"
        webhook_file.write_text(slack.url + "\n")
        stack.enter_context(
            running_alertmanager(
                derived.alertmanager(webhook_file), dirs["am"], ports["alertmanager"]
            )
        )
        recording, alerts = dirs["prom"] / "recording-fast.yml", dirs["prom"] / "alerts-fast.yml"
        recording.write_text(yaml.safe_dump(_short_windows(load_yaml(RECORDING_RULES))))
        alerts.write_text(yaml.safe_dump(_short_windows(derived.fast_alert_rules())))
        config = derived.compose_prometheus(
            services.ports, ports["prometheus"], ports["alertmanager"], alerts
        )
        config["rule_files"] = [str(recording), str(alerts)]
        prometheus = stack.enter_context(
            running_prometheus(config, dirs["prom"], ports["prometheus"])
        )
        services.wait_ready()
        traffic = threading.Thread(target=_traffic, args=(services.urls, stop), daemon=True)
        traffic.start()
        stack.callback(traffic.join, 10)
        stack.callback(stop.set)
        # A baseline first: a rate needs two scrapes of a series before it has a value.
        wait_until(
            lambda: (
                {s["metric"]["job"] for s in prometheus.query("job:http_server_requests:rate5m")}
                >= {"inventory", "product"}
            ),
            20,
            lambda: f"no request rates: {prometheus.query('job:http_server_requests:rate5m')}",
        )
        yield Stack(flag_file, prometheus, slack)


@pytest.mark.parametrize(
    ("flag", "value", "alert", "service"),
    [
        ("inventoryLatencyMs", 500, "HighLatency", "inventory"),
        ("inventoryErrorRatio", 0.5, "HighErrorRate", "inventory"),
        ("productUnavailable", True, "HighErrorRate", "product"),
        ("databaseLatencyMs", 500, "HighLatency", "inventory"),
    ],
)
def test_a_fault_flag_fires_its_alert_and_resolves_when_switched_off(
    stack: Stack, flag: str, value: FlagValue, alert: str, service: str
) -> None:
    seen = len(stack.slack.received())

    def about(status: str, name: str) -> Callable[[str], bool]:
        return lambda text: f"[{status}" in text and f"{name} ({service})" in text

    write_flag_file(stack.flag_file, {flag: value})
    try:
        fired = wait_until(
            stack.messages_after(seen, about("FIRING", alert)),
            FIRE_SECONDS,
            lambda: (
                f"no {alert} ({service}) among {[slack_text(m) for m in stack.slack.received()]}"
            ),
        )
        deliberate = wait_until(
            stack.messages_after(seen, about("FIRING", "FaultFlagActive")),
            FIRE_SECONDS,
            "no FaultFlagActive",
        )
    finally:
        write_flag_file(stack.flag_file, {})
    assert f"service={service}" in fired
    assert f"flag={flag}" in deliberate
    wait_until(
        stack.messages_after(seen, about("RESOLVED", alert)),
        RESOLVE_SECONDS,
        lambda: (
            f"{alert} ({service}) not resolved: {[slack_text(m) for m in stack.slack.received()]}"
        ),
    )
    wait_until(
        stack.messages_after(seen, about("RESOLVED", "FaultFlagActive")),
        RESOLVE_SECONDS,
        "FaultFlagActive not resolved",
    )
