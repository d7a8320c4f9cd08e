"""The monitoring component, deploy/k8s/components/monitoring, switched on in every overlay.

The renderings (monitoring.py) are validated against the Kubernetes 1.29 schema and, for the
Prometheus Operator's kinds, against their CRDs; compared with the plain overlays; checked for
one source of truth (rules, dashboards and Slack routes equal what tests/monitoring tests),
for a monitor on a real port of every service and exporter, for NetworkPolicies that open
only what monitoring needs, for the logs and traces wiring and its hardening; scanned by
checkov.
"""

import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from .loadgen import Objects
from .monitoring import (
    COMPONENT,
    MONITORING_NAMESPACE,
    RELEASE,
    WITH_MONITORING,
    config_map_data,
    generator,
    kind,
    of_component,
    validate,
)
from .network import NAMESPACE, Destination, Source, allowed, egress_allowed
from .paths import REPO
from .test_kubernetes_manifests import all_containers, named, pod_labels, pod_spec
from .test_scanners import ALLOWED_SKIPS, assert_skips_are_justified, checkov

MONITORING = REPO / "deploy" / "monitoring"
COMPOSE_PROMETHEUS = MONITORING / "prometheus" / "prometheus.yml"
# Each scraped workload -> (its Deployment or StatefulSet, the job compose scrapes it as).
SCRAPED = {
    "product": ("Deployment", "product"),
    "inventory": ("Deployment", "inventory"),
    "order": ("Deployment", "order"),
    "identity": ("Deployment", "identity"),
    "gateway": ("Deployment", "gateway"),
    "mysqld-exporter": ("StatefulSet", "mysql"),
    "mongodb-exporter": ("StatefulSet", "mongodb"),
}
SERVICES = ("product", "inventory", "order", "identity", "gateway")
NEW_WORKLOADS = (("Deployment", "otel-collector"), ("DaemonSet", "promtail"))


def workload(objects: list[dict[str, Any]], kind_name: str, name: str) -> dict[str, Any]:
    return named(objects, kind_name, name)


def container_ports(item: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Named container port -> (its container, its number), of a workload's pods."""
    return {
        port["name"]: (container["name"], port["containerPort"])
        for container in pod_spec(item)["containers"]
        for port in container.get("ports", [])
    }


def pod_monitor_for(objects: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    found = [
        m
        for m in kind(objects, "PodMonitor")
        if m["spec"]["selector"]["matchLabels"].items() <= labels.items()
    ]
    assert len(found) == 1, [m["metadata"]["name"] for m in found]
    return found[0]


def job_of(monitor: dict[str, Any], labels: dict[str, str]) -> str:
    """The `job` label the operator gives the monitor's targets (last relabelling wins)."""
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    job = labels[monitor["spec"]["jobLabel"]] if "jobLabel" in monitor["spec"] else None
    for relabel in endpoint.get("relabelings", []):
        if relabel.get("targetLabel") == "job" and "sourceLabels" not in relabel:
            job = relabel["replacement"]
    assert job, monitor["metadata"]["name"]
    return job


# ---- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_every_object_with_the_component_is_valid_against_its_schema_or_crd(
    with_monitoring: Objects, rendering: str
) -> None:
    kinds = set()
    for obj in with_monitoring[rendering]:
        validate(obj)
        kinds.add(obj["kind"])
    assert {"PodMonitor", "PrometheusRule", "AlertmanagerConfig"} <= kinds


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_component_adds_its_objects_and_changes_only_the_common_config(
    rendered: Objects, with_monitoring: Objects, rendering: str
) -> None:
    """Besides its own objects, the component merges OTEL_EXPORTER_OTLP_ENDPOINT into the
    base's shopstack-common (a new hash, so a new name where it is referenced)."""
    plain = rendered[WITH_MONITORING[rendering]]
    objects = with_monitoring[rendering]
    added = of_component(objects)
    assert of_component(plain) == []
    assert all(o["metadata"]["namespace"] == NAMESPACE for o in added)

    def common_name(items: list[dict[str, Any]]) -> str:
        (name,) = {
            o["metadata"]["name"]
            for o in items
            if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("shopstack-common-")
        }
        return str(name)

    old, new = common_name(plain), common_name(objects)
    rest = [o for o in objects if o not in added and o["metadata"]["name"] != new]
    renamed = [yaml.safe_load(yaml.safe_dump(o).replace(new, old)) for o in rest]
    assert renamed == [o for o in plain if o["metadata"]["name"] != old]
    before = config_map_data(plain, "shopstack-common")
    after = config_map_data(objects, "shopstack-common")
    assert after == {**before, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4318"}


def test_the_component_is_a_kustomize_component_and_its_secret_file_is_never_committed() -> None:
    component = yaml.safe_load((COMPONENT / "kustomization.yaml").read_text())
    assert component["kind"] == "Component"
    assert component["apiVersion"] == "kustomize.config.k8s.io/v1alpha1"
    (secret,) = component["secretGenerator"]
    (env,) = secret["envs"]
    assert re.fullmatch(r"secrets/[\w-]+\.env", env)
    assert (COMPONENT / f"{env}.example").exists()
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", str(COMPONENT / env)], cwd=REPO, check=False
    )
    assert ignored.returncode == 0, f"{env} is not git-ignored"


# ---- what is scraped -----------------------------------------------------------------------


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_every_service_and_exporter_has_a_pod_monitor_on_a_port_its_pods_declare(
    with_monitoring: Objects, rendering: str
) -> None:
    objects = with_monitoring[rendering]
    compose_jobs = {
        job["job_name"]: job
        for job in yaml.safe_load(COMPOSE_PROMETHEUS.read_text())["scrape_configs"]
    }
    monitors = set()
    for job, (kind_name, name) in SCRAPED.items():
        item = workload(objects, kind_name, name)
        labels = pod_labels(item)
        monitor = pod_monitor_for(objects, labels)
        monitors.add(monitor["metadata"]["name"])
        (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
        # The named port exists, and is the one the pod's prometheus.io annotations (and
        # compose's scrape target) name.
        ports = container_ports(item)
        assert endpoint["port"] in ports, (job, endpoint["port"], ports)
        annotations = item["spec"]["template"]["metadata"]["annotations"]
        compose = compose_jobs[job]
        (target,) = compose["static_configs"][0]["targets"]
        assert ports[endpoint["port"]][1] == int(annotations["prometheus.io/port"]), job
        assert ports[endpoint["port"]][1] == int(target.rsplit(":", 1)[1]), job
        assert endpoint["path"] == annotations["prometheus.io/path"], job
        assert endpoint["path"] == compose.get("metrics_path", "/metrics"), job
        # The job the rules and dashboards name it by, as under compose.
        assert job_of(monitor, labels) == job
        assert endpoint["interval"] == compose.get("scrape_interval", "15s"), job
    assert monitors == {m["metadata"]["name"] for m in kind(objects, "PodMonitor")}


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_monitors_rules_and_alertmanager_config_carry_the_release_the_operator_selects(
    with_monitoring: Objects, rendering: str
) -> None:
    resources = [
        o for o in with_monitoring[rendering] if o["apiVersion"].startswith("monitoring.coreos")
    ]
    assert len(resources) == len(SCRAPED) + 3
    for resource in resources:
        assert resource["metadata"]["labels"]["release"] == RELEASE[rendering]


# ---- one source: rules, dashboards, routes -------------------------------------------------


def test_the_generated_files_are_what_the_generator_makes_from_the_sources_now() -> None:
    expected = generator().expected_files()
    committed = {p.name: p.read_text() for p in (COMPONENT / "generated").iterdir()}
    assert committed.keys() == expected.keys(), "run deploy/k8s/components/monitoring/generate.py"
    stale = sorted(name for name in expected if committed[name] != expected[name])
    assert not stale, f"stale {stale}: run deploy/k8s/components/monitoring/generate.py"


def test_an_edited_rule_file_makes_a_different_prometheus_rule(tmp_path: Path) -> None:
    """The control for the test above: a rule file edited -> different PrometheusRule."""
    module = generator()
    edited = tmp_path / "alerts.yml"
    source = (module.RULES_DIR / "alerts.yml").read_text()
    edited.write_text(source.replace("for: 30s", "for: 45s"))
    assert module.prometheus_rule(edited) != module.prometheus_rule(module.RULES_DIR / "alerts.yml")


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_prometheus_rules_are_the_promtool_tested_rule_files(
    with_monitoring: Objects, rendering: str
) -> None:
    extra = generator().ALERT_LABELS
    assert extra == {"namespace": NAMESPACE}
    rules = {r["metadata"]["name"]: r for r in kind(with_monitoring[rendering], "PrometheusRule")}
    files = sorted((MONITORING / "prometheus" / "rules").glob("*.yml"))
    assert set(rules) == {f"shopstack-{path.stem}" for path in files}
    for path in files:
        groups = rules[f"shopstack-{path.stem}"]["spec"]["groups"]
        for group in groups:
            for rule in group["rules"]:
                if "alert" in rule:
                    # Alertmanager routes an AlertmanagerConfig only its namespace's alerts.
                    labels = rule["labels"]
                    assert {k: labels.pop(k) for k in extra} == extra, rule["alert"]
        assert groups == yaml.safe_load(path.read_text())["groups"], path.name


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_dashboard_config_maps_hold_the_generated_and_committed_json(
    with_monitoring: Objects, rendering: str
) -> None:
    source = generator().dashboards_source()
    boards = source.build_all()
    maps = [
        o
        for o in kind(with_monitoring[rendering], "ConfigMap")
        if o["metadata"]["labels"].get("grafana_dashboard") == "1"
    ]
    data = {name: text for m in maps for name, text in m["data"].items()}
    assert len(maps) == len(boards)
    assert data == {name: source.render(board) for name, board in boards.items()}
    committed = MONITORING / "grafana" / "dashboards"
    assert data == {name: (committed / name).read_text() for name in boards}


def _receiver(route: dict[str, Any], labels: dict[str, str], custom: bool) -> str:
    """The receiver a route tree picks for an alert (first matching child, recursively)."""
    for child in route.get("routes", []):
        matchers = child.get("matchers", [])
        parsed: list[tuple[str, str, str]] = []
        for m in matchers:
            if custom:
                parsed.append((m["name"], m["matchType"], m["value"]))
            else:
                found = re.fullmatch(r'(\w+)(=~|!~|!=|=)"(.*)"', m)
                assert found, m
                parsed.append((found[1], found[2], found[3]))
        if all(_matches(labels.get(name, ""), op, value) for name, op, value in parsed):
            return _receiver(
                {"receiver": child.get("receiver", route["receiver"]), **child}, labels, custom
            )
    return str(route["receiver"])


def _matches(actual: str, operator: str, value: str) -> bool:
    hit = actual == value if operator in ("=", "!=") else bool(re.fullmatch(value, actual))
    return hit if operator in ("=", "=~") else not hit


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_alertmanager_config_routes_like_alertmanager_yml_with_the_url_from_the_secret(
    with_monitoring: Objects, rendering: str
) -> None:
    objects = with_monitoring[rendering]
    (config,) = kind(objects, "AlertmanagerConfig")
    spec = config["spec"]
    plain = yaml.safe_load((MONITORING / "alertmanager" / "alertmanager.yml").read_text())
    channels = {r["name"]: [s["channel"] for s in r["slack_configs"]] for r in plain["receivers"]}
    assert {r["name"]: [s["channel"] for s in r["slackConfigs"]] for r in spec["receivers"]} == (
        channels
    )
    for severity in ("critical", "warning", "info", ""):
        for alertname in ("ServiceDown", "LowStock"):
            labels = {"severity": severity, "alertname": alertname, "namespace": NAMESPACE}
            assert _receiver(spec["route"], labels, True) == _receiver(
                plain["route"], labels, False
            )
    route, top = spec["route"], plain["route"]
    assert route["groupBy"] == top["group_by"]
    assert [r.get("repeatInterval") for r in route["routes"]] == [
        r.get("repeat_interval") for r in top["routes"]
    ]
    assert len(spec["inhibitRules"]) == len(plain["inhibit_rules"])
    for custom, rule in zip(spec["inhibitRules"], plain["inhibit_rules"], strict=True):
        assert custom["equal"] == rule["equal"]
        assert [f'{m["name"]}{m["matchType"]}"{m["value"]}"' for m in custom["sourceMatch"]] == (
            rule["source_matchers"]
        )
        assert [f'{m["name"]}{m["matchType"]}"{m["value"]}"' for m in custom["targetMatch"]] == (
            rule["target_matchers"]
        )
    templates = generator().slack_templates()
    assert len(templates) == 4
    for receiver in spec["receivers"]:
        for slack in receiver["slackConfigs"]:
            assert slack["sendResolved"] is True
            assert "{{ template" not in str(slack)
            assert slack["text"] == templates["shopstack.slack.text"]
            assert slack["titleLink"] == templates["shopstack.slack.runbook"]
            # The URL comes from the generated Secret (its hash-suffixed name), never inline.
            secret = named(objects, "Secret", slack["apiURL"]["name"])
            assert slack["apiURL"]["key"] in secret["data"]


# ---- logs and traces -----------------------------------------------------------------------


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_every_service_exports_traces_to_the_collectors_otlp_http_port(
    with_monitoring: Objects, rendering: str
) -> None:
    objects = with_monitoring[rendering]
    collector = workload(objects, "Deployment", "otel-collector")
    config = yaml.safe_load(config_map_data(objects, "otel-collector-config")["otel-collector.yml"])
    receiver_port = int(config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].rsplit(":")[1])
    for name in SERVICES:
        item = workload(objects, "Deployment", name)
        (container,) = [c for c in pod_spec(item)["containers"] if c["name"] == name]
        env: dict[str, str] = {}
        for source in container["envFrom"]:
            env |= named(objects, "ConfigMap", source["configMapRef"]["name"])["data"]
        url = urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert url.scheme == "http"
        service = named(objects, "Service", url.hostname or "")
        assert service["spec"]["selector"].items() <= pod_labels(collector).items()
        (port,) = [p for p in service["spec"]["ports"] if p["port"] == url.port]
        assert container_ports(collector)[port["targetPort"]][1] == receiver_port
        assert egress_allowed(
            objects,
            pod_labels(item),
            Destination("otel-collector", labels=pod_labels(collector)),
            receiver_port,
        ), name


def test_the_collector_and_promtail_keep_the_compose_pipelines() -> None:
    compose_collector = yaml.safe_load(
        (MONITORING / "otel-collector" / "otel-collector.yml").read_text()
    )
    collector = yaml.safe_load((COMPONENT / "otel-collector" / "otel-collector.yml").read_text())
    assert collector["processors"] == compose_collector["processors"]
    assert collector["service"]["pipelines"] == compose_collector["service"]["pipelines"]
    assert collector["exporters"]["otlp/tempo"]["endpoint"] == "${env:TEMPO_OTLP_ENDPOINT}"
    compose_promtail = yaml.safe_load((MONITORING / "promtail" / "promtail.yml").read_text())
    promtail = yaml.safe_load((COMPONENT / "promtail" / "promtail.yml").read_text())
    (compose_job,) = compose_promtail["scrape_configs"]
    (job,) = promtail["scrape_configs"]
    # The same JSON stages from `json` on: labels, structured metadata, timestamp.
    first = [next(iter(stage)) for stage in job["pipeline_stages"]].index("json")
    assert job["pipeline_stages"][first:] == compose_job["pipeline_stages"]
    assert promtail["clients"] == [{"url": "${LOKI_PUSH_URL}"}]


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_promtail_reads_only_the_shopstack_pod_logs_and_pushes_where_the_overlay_says(
    with_monitoring: Objects, rendering: str
) -> None:
    objects = with_monitoring[rendering]
    daemon = workload(objects, "DaemonSet", "promtail")
    (container,) = pod_spec(daemon)["containers"]
    config = yaml.safe_load(config_map_data(objects, "promtail-config")["promtail.yml"])
    (job,) = config["scrape_configs"]
    (static,) = job["static_configs"]
    glob = static["labels"]["__path__"]
    assert glob.startswith(f"/var/log/pods/{NAMESPACE}_")
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(daemon)["volumes"]}
    logs = mounts["/var/log/pods"]
    assert logs["readOnly"] is True
    assert volumes[logs["name"]]["hostPath"]["path"] == "/var/log/pods"
    # The positions file is on a writable emptyDir; the root filesystem is read-only.
    positions = Path(config["positions"]["filename"])
    assert "emptyDir" in volumes[mounts[str(positions.parent)]["name"]]
    assert "-config.expand-env=true" in container["args"]
    endpoints = config_map_data(objects, "monitoring-endpoints")
    loki = urlsplit(endpoints["LOKI_PUSH_URL"])
    assert loki.path == "/loki/api/v1/push"
    assert (loki.hostname or "").split(".")[1] == MONITORING_NAMESPACE[rendering]
    tempo = endpoints["TEMPO_OTLP_ENDPOINT"]
    assert tempo.split(":")[0].split(".")[1] == MONITORING_NAMESPACE[rendering]


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_collector_and_promtail_are_hardened_like_the_base(
    with_monitoring: Objects, rendering: str
) -> None:
    objects = with_monitoring[rendering]
    for kind_name, name in NEW_WORKLOADS:
        item = workload(objects, kind_name, name)
        spec = pod_spec(item)
        assert spec["automountServiceAccountToken"] is False, name
        assert (
            named(objects, "ServiceAccount", spec["serviceAccountName"])[
                "automountServiceAccountToken"
            ]
            is False
        )
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in all_containers(item):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, name
            assert context["runAsUser"] >= 10000, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, name
            for probe in ("livenessProbe", "readinessProbe"):
                port = container[probe]["httpGet"]["port"]
                assert port in {p["name"] for p in container["ports"]}, (name, probe)
            # Whatever is written goes to a sized emptyDir; host paths are read-only.
            for mount in container["volumeMounts"]:
                volume = volumes[mount["name"]]
                if "hostPath" in volume or "configMap" in volume:
                    assert mount["readOnly"] is True, (name, mount)
                else:
                    assert volume["emptyDir"]["sizeLimit"], (name, mount)


# ---- network -------------------------------------------------------------------------------


def _metrics_targets(objects: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(workload, named port) of every monitored port."""
    found = []
    for _, (kind_name, name) in SCRAPED.items():
        item = workload(objects, kind_name, name)
        (endpoint,) = pod_monitor_for(objects, pod_labels(item))["spec"]["podMetricsEndpoints"]
        found.append((name, endpoint["port"]))
    return found


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_components_policies_admit_only_prometheus_of_the_monitoring_namespace(
    with_monitoring: Objects, rendering: str
) -> None:
    """Evaluated on the base's default deny and the component's policies alone: what the
    component admits by itself."""
    objects = with_monitoring[rendering]
    alone = [
        o
        for o in objects
        if o["kind"] != "NetworkPolicy"
        or o in of_component(objects)
        or o["metadata"]["name"] == "default-deny-ingress"
    ]
    namespace = MONITORING_NAMESPACE[rendering]
    prometheus = Source(namespace, name="prometheus")
    others = [
        Source("default", name="prometheus"),
        Source(namespace, name="grafana"),
        Source(namespace),
        Source(name="gateway"),
        Source(name="product"),
        Source(ip="203.0.113.7"),
    ]
    for target, port in _metrics_targets(objects):
        assert allowed(alone, prometheus, target, port), (target, port)
        for other in others:
            assert not allowed(alone, other, target, port), (other.title, target, port)
    # Nor the other ports of the same pods.
    for target, port in (("gateway", "http"), ("mysql", "mysql"), ("mongodb", "mongodb")):
        assert not allowed(alone, prometheus, target, port), (target, port)


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_component_opens_no_connection_but_to_the_collector_and_the_stores(
    rendered: Objects, with_monitoring: Objects, rendering: str
) -> None:
    plain = rendered[WITH_MONITORING[rendering]]
    objects = with_monitoring[rendering]
    namespace = MONITORING_NAMESPACE[rendering]
    sources = [
        Source(namespace, name="prometheus"),
        Source("default", name="prometheus"),
        Source("ingress-nginx"),
        Source(ip="203.0.113.7"),
        *(Source(name=n) for n in (*SERVICES, "mysql", "mongodb", "redis", "promtail")),
        Source(name="otel-collector"),
    ]
    workloads = [o for o in plain if o["kind"] in ("Deployment", "StatefulSet")]
    for item in workloads:
        for port in container_ports(item):
            for source in sources:
                before = allowed(plain, source, item["metadata"]["name"], port)
                after = allowed(objects, source, item["metadata"]["name"], port)
                assert after == before, (source.title, item["metadata"]["name"], port)
    # The collector takes OTLP from the five services only.
    for source in sources:
        expected = source.labels.get("app.kubernetes.io/name") in SERVICES and (
            source.namespace == NAMESPACE and source.ip is None
        )
        assert allowed(objects, source, "otel-collector", "otlp-http") == expected, source.title
    # The collector and promtail reach their store in the monitoring namespace, and DNS only.
    tempo = Destination("tempo", namespace=namespace, labels={"app.kubernetes.io/name": "tempo"})
    loki = Destination("loki", namespace=namespace, labels={"app.kubernetes.io/name": "loki"})
    collector = {"app.kubernetes.io/name": "otel-collector"}
    promtail = {"app.kubernetes.io/name": "promtail"}
    assert egress_allowed(objects, collector, tempo, 4317)
    assert egress_allowed(objects, promtail, loki, 3100)
    mysql = Destination("mysql", labels={"app.kubernetes.io/name": "mysql"})
    internet = Destination("internet", ip="203.0.113.7")
    elsewhere = Destination("tempo", namespace="default", labels=tempo.labels)
    for labels in (collector, promtail):
        for destination, number in ((mysql, 3306), (internet, 443), (elsewhere, 4317), (loki, 80)):
            assert not egress_allowed(objects, labels, destination, number), (labels, destination)


@pytest.mark.parametrize("rendering", WITH_MONITORING)
def test_the_overlay_sets_the_monitoring_namespace_everywhere(
    with_monitoring: Objects, rendering: str
) -> None:
    namespace = MONITORING_NAMESPACE[rendering]
    other = ({"observability", "monitoring"} - {namespace}).pop()
    policies = [o for o in of_component(with_monitoring[rendering]) if o["kind"] == "NetworkPolicy"]
    selected = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for policy in policies
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", [])
        for peer in rule.get("from", []) + rule.get("to", [])
        if "namespaceSelector" in peer
    }
    assert selected == {namespace, "kube-system"}
    text = yaml.safe_dump_all(of_component(with_monitoring[rendering]))
    assert f".{other}.svc" not in text
    assert f"metadata.name: {other}" not in text


# ---- scanners ------------------------------------------------------------------------------

# What checkov must have checked, and passed, on the collector and promtail: probes, requests
# and limits, no privilege escalation, read-only root, no host namespaces, capabilities
# dropped, non-root, seccomp, no service-account token.
WORKLOAD_CHECKS = {
    *(f"CKV_K8S_{n}" for n in (8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 22, 23, 25, 28)),
    *(f"CKV_K8S_{n}" for n in (29, 30, 31, 37, 38, 40)),
}


def test_checkov_passes_on_the_renderings_with_the_component(
    with_monitoring: Objects, tmp_path: Path
) -> None:
    for rendering, objects in with_monitoring.items():
        (tmp_path / f"{rendering}.yaml").write_text(yaml.safe_dump_all(objects))
    results = checkov("--framework", "kubernetes", "--directory", str(tmp_path))
    for kind_name, name in NEW_WORKLOADS:
        passed = {
            c["check_id"]
            for c in results["passed"]
            if c["resource"].endswith(f"{kind_name}.{NAMESPACE}.{name}")
        }
        assert passed >= WORKLOAD_CHECKS, (name, WORKLOAD_CHECKS - passed)
    assert {c["check_id"] for c in results["skipped"]} <= ALLOWED_SKIPS
    assert_skips_are_justified(results["skipped"])
