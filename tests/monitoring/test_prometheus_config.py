"""The Prometheus configurations: valid for the real promtool, scraping what they should."""

from pathlib import Path
from typing import Any

import yaml

from gateway.config import Settings as GatewaySettings

from .files import PROMETHEUS_DIR, RULES_DIR, load_yaml
from .tools import run

COMPOSE = PROMETHEUS_DIR / "prometheus.yml"
KUBERNETES = PROMETHEUS_DIR / "prometheus-k8s.yml"
SERVICE_PATH = "/actuator/prometheus"
# Compose leaves GATEWAY_MANAGEMENT_PORT at its default. (prometheus-k8s.yml follows the pod's
# prometheus.io/port annotation, which tests/deploy checks.)
GATEWAY_MANAGEMENT_PORT = GatewaySettings.model_fields["management_port"].default


def _jobs(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_compose_config_passes_promtool_check_config() -> None:
    result = run("promtool", "check", "config", COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    # promtool also loaded and checked the rule files the config names.
    assert "rules/alerts.yml" in result.stdout
    assert "rules/recording.yml" in result.stdout


def test_kubernetes_config_passes_promtool_with_pod_discovery_swapped_for_files(
    tmp_path: Path,
) -> None:
    # Debian's Prometheus is built without Kubernetes discovery (the packager removed its
    # client library), so its promtool rejects kubernetes_sd_configs. Everything else of the
    # file (relabelling regexes, rules, alerting) is checked with a file discovery instead.
    config = load_yaml(KUBERNETES)
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["file_sd_configs"] = [{"files": ["pods.json"]}]
    config["rule_files"] = [str(RULES_DIR / "*.yml")]
    checked = tmp_path / "prometheus-k8s.yml"
    checked.write_text(yaml.safe_dump(config, sort_keys=False))
    result = run("promtool", "check", "config", checked)
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_config_discovers_pods_by_prometheus_io_annotations() -> None:
    jobs = _jobs(load_yaml(KUBERNETES))
    for name in ("shopstack-pods", "annotated-pods"):
        job = jobs[name]
        assert job["kubernetes_sd_configs"] == [{"role": "pod"}]
        relabel = {tuple(rule.get("source_labels", [])): rule for rule in job["relabel_configs"]}
        scrape = relabel[("__meta_kubernetes_pod_annotation_prometheus_io_scrape",)]
        assert (scrape["action"], scrape["regex"]) == ("keep", "true")
        path = relabel[("__meta_kubernetes_pod_annotation_prometheus_io_path",)]
        assert path["target_label"] == "__metrics_path__"
        port = relabel[("__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port")]
        assert port["target_label"] == "__address__"
        # Rules and dashboards name a service by `job`, as under compose.
        name_label = relabel[("__meta_kubernetes_pod_label_app_kubernetes_io_name",)]
        assert name_label["target_label"] == "job"
    assert jobs["shopstack-pods"]["scrape_interval"] == "5s"


def test_compose_config_scrapes_each_service_every_5s_on_its_actuator_endpoint() -> None:
    config = load_yaml(COMPOSE)
    assert config["global"]["scrape_interval"] == "15s"
    jobs = _jobs(config)
    for service, port in (("product", 8080), ("inventory", 8081), ("order", 8082)):
        job = jobs[service]
        assert job["static_configs"] == [{"targets": [f"{service}:{port}"]}]
        assert (job["metrics_path"], job["scrape_interval"]) == (SERVICE_PATH, "5s")
    assert jobs["mysqld-exporter"]["static_configs"] == [{"targets": ["mysqld-exporter:9104"]}]
    assert jobs["mongodb-exporter"]["static_configs"] == [{"targets": ["mongodb-exporter:9216"]}]


def test_compose_config_scrapes_the_gateway_on_its_management_port_not_its_public_one() -> None:
    gateway = _jobs(load_yaml(COMPOSE))["gateway"]
    assert gateway["static_configs"] == [{"targets": [f"gateway:{GATEWAY_MANAGEMENT_PORT}"]}]
    assert (gateway["metrics_path"], gateway["scrape_interval"]) == (SERVICE_PATH, "5s")


def test_both_configs_load_every_rule_file_and_alert_to_alertmanager() -> None:
    for path in (COMPOSE, KUBERNETES):
        config = load_yaml(path)
        assert config["rule_files"] == ["rules/*.yml"]
        targets = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
        assert targets == ["alertmanager:9093"]
