"""Test-sized configurations derived from the committed ones: the same jobs, rules, routes
and relabelling, pointed at loopback ports and with shorter intervals and waits."""

from pathlib import Path
from typing import Any

from .files import ALERT_RULES, ALERTMANAGER_CONFIG, PROMETHEUS_DIR, RECORDING_RULES, load_yaml

# Test-sized timings: scrape and evaluate every second, alert after 2s.
INTERVAL = "1s"
ALERT_FOR = "2s"
ALERTMANAGER_WAIT = "1s"


def _fast_scrapes(config: dict[str, Any]) -> None:
    config["global"] |= {
        "scrape_interval": INTERVAL,
        "scrape_timeout": INTERVAL,
        "evaluation_interval": INTERVAL,
    }
    for job in config["scrape_configs"]:
        if "scrape_interval" in job:
            job["scrape_interval"] = INTERVAL


def fast_alert_rules() -> dict[str, Any]:
    """alerts.yml with every `for` cut to ALERT_FOR."""
    rules = load_yaml(ALERT_RULES)
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = ALERT_FOR
    return rules


def compose_prometheus(
    targets: dict[str, int], own_port: int, alertmanager_port: int, alert_rules: Path
) -> dict[str, Any]:
    """prometheus.yml with each job's target at 127.0.0.1:`targets[job]` (jobs without a
    running target, e.g. mongodb-exporter, are left out), the real recording rules and
    `alert_rules`."""
    config = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    _fast_scrapes(config)
    ports = targets | {"prometheus": own_port}
    config["scrape_configs"] = [
        job | {"static_configs": [{"targets": [f"127.0.0.1:{ports[job['job_name']]}"]}]}
        for job in config["scrape_configs"]
        if job["job_name"] in ports
    ]
    config["rule_files"] = [str(RECORDING_RULES), str(alert_rules)]
    config["alerting"]["alertmanagers"] = [
        {"static_configs": [{"targets": [f"127.0.0.1:{alertmanager_port}"]}]}
    ]
    return config


def kubernetes_prometheus(pods_file: Path, own_port: int) -> dict[str, Any]:
    """prometheus-k8s.yml with pod discovery read from `pods_file` (see `pods`)."""
    config = load_yaml(PROMETHEUS_DIR / "prometheus-k8s.yml")
    _fast_scrapes(config)
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["file_sd_configs"] = [{"files": [str(pods_file)], "refresh_interval": INTERVAL}]
        else:
            job["static_configs"] = [{"targets": [f"127.0.0.1:{own_port}"]}]
    del config["rule_files"], config["alerting"]
    return config


def pod(
    name: str,
    port: int,
    annotations: dict[str, str],
    part_of: str | None = "shopstack",
    phase: str = "Running",
) -> dict[str, Any]:
    """A target group with the meta labels Kubernetes pod discovery gives a pod whose
    declared container port is wrong (1), so only the annotation can get the port right."""
    meta = "__meta_kubernetes_pod_"
    labels = {
        f"{meta}annotation_{key.replace('.', '_').replace('/', '_')}": value
        for key, value in annotations.items()
    } | {
        f"{meta}label_app_kubernetes_io_name": name,
        f"{meta}name": f"{name}-5d8f7b9c4-x2k7q",
        f"{meta}phase": phase,
        "__meta_kubernetes_namespace": "shopstack",
    }
    if part_of:
        labels[f"{meta}label_app_kubernetes_io_part_of"] = part_of
    return {"targets": ["127.0.0.1:1"], "labels": labels}


def alertmanager(webhook_url_file: Path) -> dict[str, Any]:
    """alertmanager.yml with the Slack webhook file replaced, templates found from anywhere,
    and group waits cut to ALERTMANAGER_WAIT."""
    config = load_yaml(ALERTMANAGER_CONFIG)
    config["templates"] = [str(ALERTMANAGER_CONFIG.parent / path) for path in config["templates"]]
    for receiver in config["receivers"]:
        for slack in receiver.get("slack_configs", []):
            slack["api_url_file"] = str(webhook_url_file)
    routes = [config["route"], *config["route"].get("routes", [])]
    for route in routes:
        for key in ("group_wait", "group_interval"):
            if key in route:
                route[key] = ALERTMANAGER_WAIT
    return config
