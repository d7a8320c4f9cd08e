"""The optional Locust load generator, deploy/k8s/components/loadgen, switched on: its objects.

The renderings with the component (loadgen.py, the `with_loadgen` fixture in conftest) are
validated against the Kubernetes 1.29 schema, compared with the plain overlays (which must
hold none of it), checked for what they run and how they are hardened, and scanned by
checkov. Its NetworkPolicies are evaluated in test_loadgen_network.
"""

import ast
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from . import crds
from .loadgen import COMPONENT, LOCUSTFILE, WITH_LOADGEN, Objects, job, kustomize, overlay_of
from .network import NAMESPACE
from .paths import KUBECTL, OVERLAYS, REPO
from .test_kubernetes_manifests import all_containers, named, pod_labels, pod_spec
from .test_scanners import ALLOWED_SKIPS, assert_skips_are_justified, checkov

COMPOSE = REPO / "deploy" / "compose" / "compose.yaml"
LOADGEN_OBJECTS = {
    ("ServiceAccount", "loadgen"),
    ("Job", "loadgen"),
    ("ConfigMap", "loadgen-config"),
    ("ConfigMap", "loadgen-locustfile"),
    ("NetworkPolicy", "loadgen"),
    ("NetworkPolicy", "gateway-from-loadgen"),
}


# ---- helpers -----------------------------------------------------------------------------------


def key(obj: dict[str, Any]) -> tuple[str, str]:
    """(kind, name) with a generated ConfigMap's hash suffix removed."""
    name = obj["metadata"]["name"]
    if obj["kind"] == "ConfigMap" and name.startswith("loadgen-"):
        name = name.rsplit("-", 1)[0]
    return obj["kind"], name


def config_map(objects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name]
    return found


def run_config(objects: list[dict[str, Any]]) -> dict[str, str]:
    """The LOCUST_* settings the load generator's container reads: its envFrom ConfigMap."""
    container = locust_container(objects)
    (source,) = container["envFrom"]
    return dict(config_map(objects, source["configMapRef"]["name"])["data"])


def locust_container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    container: dict[str, Any]
    (container,) = pod_spec(job(objects))["containers"]
    return container


def concrete_user_classes(source: str) -> set[str]:
    """The locustfile's HttpUser classes that Locust can run (not `abstract = True`)."""
    users, concrete = {"HttpUser"}, set()
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(isinstance(base, ast.Name) and base.id in users for base in node.bases):
            continue
        users.add(node.name)
        abstract = any(
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "abstract" for t in statement.targets)
            and isinstance(statement.value, ast.Constant)
            and statement.value.value is True
            for statement in node.body
        )
        if not abstract:
            concrete.add(node.name)
    return concrete


# ---- the locustfile ------------------------------------------------------------------------


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_the_job_runs_the_one_locustfile_from_its_config_map(
    with_loadgen: Objects, rendering: str
) -> None:
    objects = with_loadgen[rendering]
    container = locust_container(objects)
    env = {var["name"]: var["value"] for var in container["env"]}
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec(job(objects))["volumes"]}
    path = Path(env["LOCUST_LOCUSTFILE"])
    (volume_name,) = [n for n, m in mounts.items() if m["mountPath"] == str(path.parent)]
    assert mounts[volume_name]["readOnly"] is True
    source = config_map(objects, volumes[volume_name]["configMap"]["name"])
    assert source["data"][path.name] == LOCUSTFILE.read_text()


# ---- rendering with and without the component ----------------------------------------------


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_every_object_with_the_component_is_valid_against_its_schema(
    with_loadgen: Objects, rendering: str
) -> None:
    for obj in with_loadgen[rendering]:
        crds.validate(obj)


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_the_component_adds_its_own_objects_and_changes_nothing_else(
    rendered: Objects, with_loadgen: Objects, rendering: str
) -> None:
    plain = {key(o): o for o in rendered[WITH_LOADGEN[rendering]]}
    loaded = {key(o): o for o in with_loadgen[rendering]}
    assert set(loaded) - set(plain) == LOADGEN_OBJECTS
    assert set(plain) <= set(loaded)
    for name, obj in plain.items():
        assert loaded[name] == obj, name
    for name in LOADGEN_OBJECTS:
        metadata = loaded[name]["metadata"]
        assert metadata["namespace"] == NAMESPACE, name
        # docs/deploy.md switches it off with `kubectl delete ... -l` this label.
        assert metadata["labels"]["app.kubernetes.io/name"] == "loadgen", name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_overlays_without_the_component_hold_no_load_generator(
    rendered: Objects, overlay: str
) -> None:
    names = {key(o) for o in rendered[overlay]}
    assert names & LOADGEN_OBJECTS == set()
    # Nor any trace of it: a selector, a label, an image, a ConfigMap of locust settings.
    text = yaml.safe_dump_all(rendered[overlay]).lower()
    assert "loadgen" not in text
    assert "locust" not in text


def test_the_example_overlay_is_the_microk8s_overlay_plus_the_component() -> None:
    kustomization = yaml.safe_load(
        (REPO / "deploy" / "k8s" / "overlays" / "microk8s-load" / "kustomization.yaml").read_text()
    )
    assert kustomization["resources"] == ["../microk8s"]
    assert kustomization["components"] == ["../../components/loadgen"]
    component = yaml.safe_load((COMPONENT / "kustomization.yaml").read_text())
    assert component["apiVersion"] == "kustomize.config.k8s.io/v1alpha1"
    assert component["kind"] == "Component"


# ---- what it runs --------------------------------------------------------------------------


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_the_load_generator_targets_the_gateway_services_name_and_port(
    with_loadgen: Objects, rendering: str
) -> None:
    objects = with_loadgen[rendering]
    host = urlsplit(run_config(objects)["LOCUST_HOST"])
    assert host.scheme == "http"
    assert host.path in ("", "/")
    service = named(objects, "Service", host.hostname or "")
    gateway = named(objects, "Deployment", "gateway")
    assert service["spec"]["selector"].items() <= pod_labels(gateway).items()
    (service_port,) = [p for p in service["spec"]["ports"] if p["port"] == host.port]
    (container,) = pod_spec(gateway)["containers"]
    assert service_port["targetPort"] in {p["name"] for p in container["ports"]}
    # The wait for the gateway asks the same host: both containers read one ConfigMap.
    (wait,) = pod_spec(job(objects))["initContainers"]
    assert wait["envFrom"] == locust_container(objects)["envFrom"]
    assert "LOCUST_HOST" in "".join(wait["command"])


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_users_spawn_rate_run_time_and_user_classes_come_from_one_config_map(
    with_loadgen: Objects, rendering: str
) -> None:
    objects = with_loadgen[rendering]
    config = run_config(objects)
    assert int(config["LOCUST_USERS"]) > 0
    assert float(config["LOCUST_SPAWN_RATE"]) > 0
    # Locust's --run-time format, e.g. 5m, 1h30m, 90s: it stops by itself.
    assert re.fullmatch(r"(\d+h)?(\d+m)?(\d+s)?", config["LOCUST_RUN_TIME"])
    assert config["LOCUST_RUN_TIME"]
    classes = config["LOCUST_USER_CLASSES"].split()
    assert classes
    assert set(classes) <= concrete_user_classes(LOCUSTFILE.read_text())
    container = locust_container(objects)
    env = {var["name"]: var["value"] for var in container["env"]}
    assert env["LOCUST_HEADLESS"] == "true"
    # Nothing on the command line overrides the ConfigMap: the image's `locust` entry point.
    assert "command" not in container
    assert "args" not in container


def test_the_kubernetes_and_compose_load_generators_use_the_same_locust_image(
    with_loadgen: Objects,
) -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    image = compose["services"]["loadgen"]["image"]
    for objects in with_loadgen.values():
        for container in all_containers(job(objects)):
            assert container["image"] == image


def test_a_run_is_changed_by_merging_its_config_map_in_an_overlay(
    k8s_copy: Path, tmp_path: Path
) -> None:
    """What docs/deploy.md tells a team to do: the same generator name, behavior: merge."""
    overlay = overlay_of(
        tmp_path / "overlay",
        {
            "namespace": "shopstack",
            "resources": [k8s_copy / "overlays" / "microk8s-load"],
            "configMapGenerator": [
                {
                    "name": "loadgen-config",
                    "behavior": "merge",
                    "literals": [
                        "LOCUST_USERS=100",
                        "LOCUST_RUN_TIME=15m",
                        "LOCUST_USER_CLASSES=FlashSaleBuyer",
                    ],
                }
            ],
        },
    )
    config = run_config(kustomize(overlay))
    assert config["LOCUST_USERS"] == "100"
    assert config["LOCUST_RUN_TIME"] == "15m"
    assert config["LOCUST_USER_CLASSES"] == "FlashSaleBuyer"
    assert config["LOCUST_HOST"] == "http://gateway:8000"
    assert config["LOCUST_SPAWN_RATE"] == "5"


# ---- hardening -----------------------------------------------------------------------------


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_the_job_is_hardened_like_the_other_workloads(
    with_loadgen: Objects, rendering: str
) -> None:
    objects = with_loadgen[rendering]
    workload = job(objects)
    spec = pod_spec(workload)
    assert workload["spec"]["backoffLimit"] == 0
    assert spec["restartPolicy"] == "Never"
    assert spec["automountServiceAccountToken"] is False
    account = named(objects, "ServiceAccount", spec["serviceAccountName"])
    assert account["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    for container in all_containers(workload):
        context = container["securityContext"]
        where = container["name"]
        assert context["runAsNonRoot"] is True, where
        assert context["runAsUser"] > 0, where
        assert context["readOnlyRootFilesystem"] is True, where
        assert context["allowPrivilegeEscalation"] is False, where
        assert context["capabilities"] == {"drop": ["ALL"]}, where
        assert context["seccompProfile"]["type"] == "RuntimeDefault", where
        for bound in ("requests", "limits"):
            assert set(container["resources"][bound]) >= {"cpu", "memory"}, (where, bound)
        assert "ports" not in container, where  # headless: no web UI to reach
    # Writable: /tmp only, an emptyDir; the locustfile is a read-only ConfigMap.
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert set(volumes) == {"tmp", "locustfile"}
    assert volumes["tmp"]["emptyDir"]["sizeLimit"]
    assert set(volumes["locustfile"]) == {"name", "configMap"}
    assert {"name": "tmp", "mountPath": "/tmp"} in locust_container(objects)["volumeMounts"]


# What checkov must have checked, and passed, on the Job: requests and limits, no privilege
# escalation, read-only root, no host namespaces, NET_RAW and all capabilities dropped,
# security contexts, seccomp, and no service-account token.
JOB_CHECKS = {
    *(f"CKV_K8S_{n}" for n in (10, 11, 12, 13, 16, 17, 18, 19, 20, 22, 23, 25, 28)),
    *(f"CKV_K8S_{n}" for n in (29, 30, 31, 37, 38)),
}


def assert_the_job_was_scanned(results: dict[str, list[dict[str, Any]]]) -> None:
    on_job = [c for c in results["passed"] if c["resource"].endswith("Job.shopstack.loadgen")]
    assert {c["check_id"] for c in on_job} >= JOB_CHECKS
    skipped = [c for c in results["skipped"] if "loadgen" in c["resource"]]
    assert {c["check_id"] for c in skipped} <= ALLOWED_SKIPS
    assert_skips_are_justified(results["skipped"])


def test_checkov_passes_on_the_renderings_with_the_load_generator(
    with_loadgen: Objects, tmp_path: Path
) -> None:
    for rendering, objects in with_loadgen.items():
        (tmp_path / f"{rendering}.yaml").write_text(yaml.safe_dump_all(objects))
    assert_the_job_was_scanned(checkov("--framework", "kubernetes", "--directory", str(tmp_path)))


def test_checkov_passes_on_the_example_overlay_as_a_kustomization(
    k8s_copy: Path, tmp_path: Path
) -> None:
    # checkov's kustomize framework runs `kubectl kustomize` itself: give it the 1.29 one.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").symlink_to(KUBECTL)
    results = checkov(
        "--framework",
        "kustomize",
        "--directory",
        str(k8s_copy / "overlays" / "microk8s-load"),
        env={"PATH": f"{bin_dir}:{os.environ['PATH']}"},
    )
    assert_the_job_was_scanned(results)
