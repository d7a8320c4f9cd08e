"""What the rendered Kustomize overlays must hold, checked object by object.

Rendering is `kubectl kustomize` (Kustomize 5) on a copy of deploy/k8s whose secret files are
the committed examples; every object is validated offline against the Kubernetes 1.29 schema,
and each custom resource (cert-manager's) against its CRD (crds.py).
"""

from typing import Any

import pytest

from . import crds
from .paths import OVERLAYS

Objects = dict[str, list[dict[str, Any]]]
APP_SERVICES = {
    "product": 8080,
    "inventory": 8081,
    "order": 8082,
    "identity": 8083,
    "gateway": 8000,
}
GATEWAY_MANAGEMENT_PORT = 9000
# Where Prometheus scrapes each: the gateway serves its metrics on its management port only.
METRICS_PORTS = APP_SERVICES | {"gateway": GATEWAY_MANAGEMENT_PORT}
WORKLOADS = ("Deployment", "StatefulSet")
# The gateway's node port on microk8s; the other services' (the seed's, kept so bookmarks and
# scripts keep working) only with the opt-in component (test_service_nodeports).
MICROK8S_NODE_PORTS = {"gateway": 31080}
# Stores that hold their state in one pod's memory: one replica, never two at once, so no
# HorizontalPodAutoscaler and no PodDisruptionBudget (test_session_store).
SINGLE_INSTANCE = {"redis"}


def of_kind(objects: list[dict[str, Any]], *kinds: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] in kinds]


def pod_template(workload: dict[str, Any]) -> dict[str, Any]:
    spec = (
        workload["spec"]["jobTemplate"]["spec"]
        if workload["kind"] == "CronJob"
        else workload["spec"]
    )
    template: dict[str, Any] = spec["template"]
    return template


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = pod_template(workload)["spec"]
    return spec


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = pod_template(workload)["metadata"]["labels"]
    return labels


def all_containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(workload)
    containers: list[dict[str, Any]] = spec.get("initContainers", []) + spec["containers"]
    return containers


def named(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def secret_file_of(workload: dict[str, Any], container: dict[str, Any], path: str) -> str:
    """The Secret whose key `path` is, in a read-only mount of `container`; "" if none."""
    volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
    for mount in container.get("volumeMounts", []):
        # A StatefulSet's claim templates are not among its volumes.
        secret = volumes.get(mount["name"], {}).get("secret")
        folder, _, file = path.rpartition("/")
        files = [item["path"] for item in secret.get("items", [])] if secret else []
        if mount.get("readOnly") and folder == mount["mountPath"] and file in files:
            return str(secret["secretName"])
    return ""


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_is_valid_against_the_kubernetes_1_29_schema_or_its_crd(
    rendered: Objects, overlay: str
) -> None:
    for obj in rendered[overlay]:
        # Raises ValidationError (strict: unknown fields too) on the first problem.
        crds.validate(obj)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_long_running_container_has_liveness_and_readiness_probes(
    rendered: Objects, overlay: str
) -> None:
    for workload in of_kind(rendered[overlay], *WORKLOADS):
        for container in pod_spec(workload)["containers"]:
            where = f"{workload['metadata']['name']}/{container['name']}"
            assert "livenessProbe" in container, where
            assert "readinessProbe" in container, where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_container_waits_with_a_startup_probe_on_the_actuator(
    rendered: Objects, overlay: str
) -> None:
    for name in APP_SERVICES:
        (container,) = pod_spec(named(rendered[overlay], "Deployment", name))["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == "/actuator/health/liveness"
        assert container["readinessProbe"]["httpGet"]["path"] == "/actuator/health/readiness"
        assert container["startupProbe"]["httpGet"]["path"] == "/actuator/health/liveness"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_cpu_and_memory_requests_and_limits(
    rendered: Objects, overlay: str
) -> None:
    for workload in of_kind(rendered[overlay], *WORKLOADS, "CronJob"):
        for container in all_containers(workload):
            resources = container["resources"]
            for bound in ("requests", "limits"):
                assert set(resources[bound]) >= {"cpu", "memory"}, (container["name"], bound)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_runs_non_root_on_a_read_only_root_with_nothing_extra(
    rendered: Objects, overlay: str
) -> None:
    for workload in of_kind(rendered[overlay], *WORKLOADS, "CronJob"):
        spec = pod_spec(workload)
        assert spec["automountServiceAccountToken"] is False, workload["metadata"]["name"]
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        for container in all_containers(workload):
            context = container["securityContext"]
            where = f"{workload['metadata']['name']}/{container['name']}"
            assert context["runAsNonRoot"] is True, where
            assert context["runAsUser"] > 0, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert context["seccompProfile"]["type"] == "RuntimeDefault", where


# Read-only Secret volumes beside /tmp: the client secrets, as files.
SECRET_VOLUMES = {
    "product": ["db-password"],
    "inventory": ["db-password"],
    "identity": ["db-password", "client-secrets"],
    "order": ["db-password", "client-secret"],
    "gateway": ["session-store-password", "client-secret"],
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_writes_only_to_its_tmp_and_reads_secret_files_read_only(
    rendered: Objects, overlay: str
) -> None:
    for name in APP_SERVICES:
        deployment = named(rendered[overlay], "Deployment", name)
        volumes = {v["name"]: v for v in pod_spec(deployment)["volumes"]}
        assert list(volumes) == ["tmp", *SECRET_VOLUMES.get(name, [])], name
        assert "emptyDir" in volumes["tmp"]
        for volume in SECRET_VOLUMES.get(name, []):
            assert set(volumes[volume]) == {"name", "secret"}, name
        for container in all_containers(deployment):
            tmp, *others = container["volumeMounts"]
            assert tmp == {"name": "tmp", "mountPath": "/tmp"}, name
            for mount in others:
                assert mount["name"] in SECRET_VOLUMES[name], (name, mount)
                assert mount["readOnly"] is True, (name, mount)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_is_targeted_by_one_hpa_and_one_pdb(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    for deployment in of_kind(objects, "Deployment"):
        name = deployment["metadata"]["name"]
        if name in SINGLE_INSTANCE:
            continue
        labels = pod_labels(deployment)
        target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        hpas = [
            h
            for h in of_kind(objects, "HorizontalPodAutoscaler")
            if h["spec"]["scaleTargetRef"] == target
        ]
        assert len(hpas) == 1, name
        hpa = hpas[0]["spec"]
        assert hpa["maxReplicas"] == 5
        assert hpa["minReplicas"] == (2 if overlay == "aks" else 1)
        targets = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["metrics"]}
        assert targets == {
            "cpu": {"type": "Utilization", "averageUtilization": 70},
            "memory": {"type": "Utilization", "averageUtilization": 80},
        }
        pdbs = [
            p
            for p in of_kind(objects, "PodDisruptionBudget")
            if p["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(pdbs) == 1, name
        # The HPA owns the replica count; a `replicas` here would reset every apply.
        assert "replicas" not in deployment["spec"], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_deployments_roll_out_without_losing_a_ready_pod(rendered: Objects, overlay: str) -> None:
    for deployment in of_kind(rendered[overlay], "Deployment"):
        if deployment["metadata"]["name"] in SINGLE_INSTANCE:
            continue
        strategy = deployment["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate"
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_pod_is_annotated_for_prometheus(rendered: Objects, overlay: str) -> None:
    for name, port in METRICS_PORTS.items():
        annotations = named(rendered[overlay], "Deployment", name)["spec"]["template"]["metadata"][
            "annotations"
        ]
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(port),
            "prometheus.io/path": "/actuator/prometheus",
        }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_selector_matches_the_pods_of_one_workload(
    rendered: Objects, overlay: str
) -> None:
    workloads = of_kind(rendered[overlay], *WORKLOADS)
    for service in of_kind(rendered[overlay], "Service"):
        selector = service["spec"]["selector"]
        matching = [w for w in workloads if selector.items() <= pod_labels(w).items()]
        assert len(matching) == 1, service["metadata"]["name"]
        # And every port it targets by name is a port of that pod.
        ports = {p["name"] for c in pod_spec(matching[0])["containers"] for p in c["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, (service["metadata"]["name"], port)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_port_a_probe_names_is_a_container_port_of_that_container(
    rendered: Objects, overlay: str
) -> None:
    for workload in of_kind(rendered[overlay], *WORKLOADS):
        for container in pod_spec(workload)["containers"]:
            ports = {p["name"] for p in container["ports"]} | {
                p["containerPort"] for p in container["ports"]
            }
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                action = container.get(probe, {})
                for kind in ("httpGet", "tcpSocket"):
                    if kind in action:
                        assert action[kind]["port"] in ports, (container["name"], probe)


def test_microk8s_exposes_only_the_gateway_on_a_node_port(rendered: Objects) -> None:
    for name, node_port in MICROK8S_NODE_PORTS.items():
        service = named(rendered["microk8s"], "Service", name)
        assert service["spec"]["type"] == "NodePort"
        assert [p["nodePort"] for p in service["spec"]["ports"]] == [node_port]
    for service in of_kind(rendered["microk8s"], "Service"):
        if service["metadata"]["name"] not in MICROK8S_NODE_PORTS:
            assert service["spec"].get("type", "ClusterIP") == "ClusterIP", service["metadata"]


def test_aks_keeps_every_service_inside_the_cluster(rendered: Objects) -> None:
    for service in of_kind(rendered["aks"], "Service"):
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP"


@pytest.mark.parametrize(
    ("overlay", "registry"),
    [("microk8s", "localhost:32000"), ("aks", "shopstack.azurecr.io")],
)
def test_service_images_come_from_the_overlays_registry(
    rendered: Objects, overlay: str, registry: str
) -> None:
    for name in APP_SERVICES:
        for container in all_containers(named(rendered[overlay], "Deployment", name)):
            assert container["image"] == f"{registry}/{name}:0.1.0"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_credentials_reach_containers_only_through_secret_key_refs(
    rendered: Objects, overlay: str
) -> None:
    secrets = {s["metadata"]["name"] for s in of_kind(rendered[overlay], "Secret")}
    for workload in of_kind(rendered[overlay], *WORKLOADS, "CronJob"):
        for container in all_containers(workload):
            for source in container.get("envFrom", []):
                assert "secretRef" not in source, container["name"]
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] in secrets, ref  # the generated, hash-suffixed name
                elif var["name"].endswith("_FILE"):
                    # The path of a file inside a read-only volume of a generated Secret.
                    assert secret_file_of(workload, container, var["value"]) in secrets, var
                elif any(w in var["name"].upper() for w in ("PASSWORD", "PWD", "SECRET")):
                    pytest.fail(f"{container['name']}: {var['name']} is not from a Secret")
                elif "value" in var and "://" in var["value"] and "@" in var["value"]:
                    # A URL names its user only: the password is a file (shopkit.credentials).
                    userinfo = var["value"].split("://", 1)[1].rsplit("@", 1)[0]
                    assert ":" not in userinfo, var


def secret_keys_read(workload: dict[str, Any]) -> set[tuple[str, str]]:
    """(Secret, key) of every key a workload's pods read: by secretKeyRef or as a file."""
    spec = pod_spec(workload)
    read = {
        (var["valueFrom"]["secretKeyRef"]["name"], var["valueFrom"]["secretKeyRef"]["key"])
        for container in all_containers(workload)
        for var in container.get("env", [])
        if "secretKeyRef" in var.get("valueFrom", {})
    }
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            secret = volume["secret"]
            read |= {(secret["secretName"], item["key"]) for item in secret.get("items", [])}
    return read


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_secret_key_a_workload_reads_is_in_its_generated_secret(
    rendered: Objects, overlay: str
) -> None:
    # A missing key renders fine but leaves the pod stuck at start (CreateContainerConfigError):
    # every key read must be a line of the overlay's secrets/*.env.example.
    given = {
        (secret["metadata"]["name"], key)
        for secret in of_kind(rendered[overlay], "Secret")
        for key in secret.get("data", {})
    }
    for workload in of_kind(rendered[overlay], *WORKLOADS, "CronJob"):
        missing = secret_keys_read(workload) - given
        assert not missing, (workload["metadata"]["name"], missing)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_databases_are_stateful_sets_with_their_own_volume_claims(
    rendered: Objects, overlay: str
) -> None:
    for name, mount in (("mysql", "/var/lib/mysql"), ("mongodb", "/data/db")):
        statefulset = named(rendered[overlay], "StatefulSet", name)
        (claim,) = statefulset["spec"]["volumeClaimTemplates"]
        database = pod_spec(statefulset)["containers"][0]
        assert {"name": claim["metadata"]["name"], "mountPath": mount} in database["volumeMounts"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_backups_run_nightly_into_their_own_volume_and_keep_n_days(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    config_maps = of_kind(objects, "ConfigMap")
    (retention,) = [c for c in config_maps if c["metadata"]["name"].startswith("backup-config")]
    assert int(retention["data"]["RETENTION_DAYS"]) > 0
    for name, claim in (("mysql-backup", "mysql-backups"), ("mongodb-backup", "mongodb-backups")):
        cronjob = named(objects, "CronJob", name)
        assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
        volumes = {v["name"]: v for v in pod_spec(cronjob)["volumes"]}
        assert volumes["backups"]["persistentVolumeClaim"]["claimName"] == claim
        named(objects, "PersistentVolumeClaim", claim)


@pytest.mark.parametrize(("overlay", "ingress_class"), [("microk8s", "public"), ("aks", "nginx")])
def test_the_ingress_sends_the_shop_to_the_gateway_and_the_identity_host_to_the_issuer(
    rendered: Objects, overlay: str, ingress_class: str
) -> None:
    (ingress,) = of_kind(rendered[overlay], "Ingress")
    assert ingress["spec"]["ingressClassName"] == ingress_class
    shop, identity = ingress["spec"]["rules"]
    for rule, service in ((shop, "gateway"), (identity, "identity")):
        (path,) = rule["http"]["paths"]
        assert (path["path"], path["pathType"]) == ("/", "Prefix")
        assert path["backend"]["service"] == {"name": service, "port": {"name": "http"}}
    # Every request names one of the two hosts: no rule without one.
    assert shop["host"] != identity["host"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_binds_its_management_port_for_prometheus_beside_the_public_one(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    (container,) = pod_spec(named(objects, "Deployment", "gateway"))["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": APP_SERVICES["gateway"], "management": GATEWAY_MANAGEMENT_PORT}
    (config,) = [
        c
        for c in of_kind(objects, "ConfigMap")
        if c["metadata"]["name"].startswith("gateway-config")
    ]
    assert config["data"]["GATEWAY_PORT"] == str(ports["http"])
    assert config["data"]["GATEWAY_MANAGEMENT_PORT"] == str(ports["management"])
    # Beyond loopback, or Prometheus could not scrape it; the NetworkPolicy admits only it.
    assert config["data"]["GATEWAY_MANAGEMENT_HOST"] == "0.0.0.0"
    # The probes stay on the public port, where they always were.
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["port"] == "http"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateways_management_port_is_behind_no_ingress_and_no_node_port(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    management = named(objects, "Service", "gateway-management")
    assert management["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert [p["targetPort"] for p in management["spec"]["ports"]] == ["management"]
    public = named(objects, "Service", "gateway")
    assert [p["targetPort"] for p in public["spec"]["ports"]] == ["http"]
    for service in of_kind(objects, "Service"):
        for port in service["spec"]["ports"]:
            if port["targetPort"] in ("management", GATEWAY_MANAGEMENT_PORT):
                assert "nodePort" not in port, service["metadata"]["name"]
    for ingress in of_kind(objects, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["backend"]["service"] in (
                    {"name": "gateway", "port": {"name": "http"}},
                    {"name": "identity", "port": {"name": "http"}},
                )


def test_every_service_account_has_no_api_token(rendered: Objects) -> None:
    for overlay in OVERLAYS:
        for account in of_kind(rendered[overlay], "ServiceAccount"):
            assert account["automountServiceAccountToken"] is False


def test_the_namespace_enforces_the_restricted_pod_security_standard(rendered: Objects) -> None:
    for overlay in OVERLAYS:
        (namespace,) = of_kind(rendered[overlay], "Namespace")
        labels = namespace["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
        assert {o["metadata"].get("namespace", "shopstack") for o in rendered[overlay]} == {
            "shopstack"
        }
