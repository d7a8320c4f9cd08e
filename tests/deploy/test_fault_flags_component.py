"""The fault flags component, deploy/k8s/components/fault-flags, switched on: flagd with its
ConfigMap of flags (all off), the services pointed at it, the gateway reading the same
ConfigMap read-only, and NetworkPolicies that let only inventory and product reach flagd.

Rendered with the 1.29 kubectl's Kustomize on top of each shipped overlay, validated against
the Kubernetes 1.29 schema, and scanned by checkov."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from shopkit.faults import FLAGS, FaultSettings
from shopkit.faults.flags import flag_document, values_in

from . import crds
from .loadgen import Objects, kustomize, overlay_of
from .network import Destination, Source, allowed, egress_allowed
from .test_kubernetes_manifests import named, pod_labels, pod_spec
from .test_scanners import assert_skips_are_justified, checkov

COMPONENT = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "components" / "fault-flags"
OVERLAYS = ("microk8s", "aks")
FLAGD_IMAGE = "ghcr.io/open-feature/flagd:v0.11.1"
SYNC_PORT = 8015


@pytest.fixture(scope="module")
def with_fault_flags(k8s_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Objects:
    """Each shipped overlay plus the component, through a throwaway overlay."""
    scratch = tmp_path_factory.mktemp("with-fault-flags")
    return {
        overlay: kustomize(
            overlay_of(
                scratch / overlay,
                {
                    "namespace": "shopstack",
                    "resources": [k8s_copy / "overlays" / overlay],
                    "components": [k8s_copy / "components" / "fault-flags"],
                },
            )
        )
        for overlay in OVERLAYS
    }


def _config(objects: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    (found,) = [
        o
        for o in objects
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith(prefix + "-config")
    ]
    return dict(found["data"])


def _flag_file(objects: list[dict[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        named(objects, "ConfigMap", "fault-flags")["data"]["fault-flags.json"]
    )
    return document


def test_the_committed_flag_file_is_every_flag_off_as_shopkit_writes_it() -> None:
    committed = json.loads((COMPONENT / "fault-flags.json").read_text())
    assert committed == flag_document({})


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_with_the_component_is_valid_against_its_schema(
    with_fault_flags: Objects, overlay: str
) -> None:
    for obj in with_fault_flags[overlay]:
        crds.validate(obj)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_flagd_serves_the_config_map_of_flags_with_every_flag_off(
    with_fault_flags: Objects, overlay: str
) -> None:
    objects = with_fault_flags[overlay]
    document = _flag_file(objects)
    assert set(document["flags"]) == {flag.name for flag in FLAGS}
    assert values_in(document) == {flag.name: flag.off for flag in FLAGS}
    flagd = named(objects, "Deployment", "flagd")
    (container,) = pod_spec(flagd)["containers"]
    assert container["image"] == FLAGD_IMAGE
    (mount,) = container["volumeMounts"]
    assert mount["readOnly"] is True
    assert container["args"] == ["start", "--uri", f"file:{mount['mountPath']}/fault-flags.json"]
    volumes = {v["name"]: v for v in pod_spec(flagd)["volumes"]}
    assert volumes[mount["name"]]["configMap"]["name"] == "fault-flags"
    service = named(objects, "Service", "flagd")
    assert [p["port"] for p in service["spec"]["ports"]] == [SYNC_PORT]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_inventory_and_product_evaluate_the_flags_from_flagds_sync_stream(
    with_fault_flags: Objects, overlay: str
) -> None:
    objects = with_fault_flags[overlay]
    for service in ("inventory", "product"):
        config = _config(objects, service)
        settings = FaultSettings(
            flagd_host=config["FAULTS_FLAGD_HOST"], flagd_port=int(config["FAULTS_FLAGD_PORT"])
        )
        assert (settings.flagd_host, settings.flagd_port) == ("flagd", SYNC_PORT)
        assert "FAULTS_FLAG_FILE" not in config


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_reads_the_same_config_map_read_only(
    with_fault_flags: Objects, overlay: str
) -> None:
    objects = with_fault_flags[overlay]
    flag_file = Path(_config(objects, "gateway")["FAULTS_FLAG_FILE"])
    gateway = named(objects, "Deployment", "gateway")
    (container,) = pod_spec(gateway)["containers"]
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == str(flag_file.parent)]
    assert mount["readOnly"] is True
    volumes = {v["name"]: v for v in pod_spec(gateway)["volumes"]}
    assert volumes[mount["name"]]["configMap"]["name"] == "fault-flags"
    # Its other mounts are still there: the patch adds, it does not replace.
    assert len(container["volumeMounts"]) > 1


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_inventory_and_product_reach_flagd_and_flagd_reaches_nothing(
    with_fault_flags: Objects, overlay: str
) -> None:
    objects = with_fault_flags[overlay]
    flagd = Destination(
        "flagd",
        labels=pod_labels(named(objects, "Deployment", "flagd")),
        named_ports={"sync": SYNC_PORT},
    )
    for service in ("inventory", "product"):
        labels = pod_labels(named(objects, "Deployment", service))
        assert egress_allowed(objects, labels, flagd, SYNC_PORT), service
        assert allowed(objects, Source(name=service), "flagd", SYNC_PORT), service  # type: ignore[arg-type]
    for service in ("order", "identity", "gateway"):
        labels = pod_labels(named(objects, "Deployment", service))
        assert not egress_allowed(objects, labels, flagd, SYNC_PORT), service
        assert not allowed(objects, Source(name=service), "flagd", SYNC_PORT), service  # type: ignore[arg-type]
    flagd_labels = pod_labels(named(objects, "Deployment", "flagd"))
    mysql = Destination("mysql", labels={"app.kubernetes.io/name": "mysql"})
    assert not egress_allowed(objects, flagd_labels, mysql, 3306)
    assert not egress_allowed(
        objects, flagd_labels, Destination("internet", ip="203.0.113.10"), 443
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_component_changes_nothing_but_what_it_says(
    rendered: Objects, with_fault_flags: Objects, overlay: str
) -> None:
    def keys(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
        return {(o["kind"], o["metadata"]["name"]) for o in objects}

    added = keys(with_fault_flags[overlay]) - keys(rendered[overlay])
    # The merged ConfigMaps get new hash suffixes, so they count as added under a new name.
    generated = {(kind, name) for kind, name in added if kind == "ConfigMap" and "-config-" in name}
    assert added - generated == {
        ("ServiceAccount", "flagd"),
        ("Deployment", "flagd"),
        ("Service", "flagd"),
        ("ConfigMap", "fault-flags"),
        ("NetworkPolicy", "flagd"),
        ("NetworkPolicy", "fault-flags-to-flagd"),
    }
    assert {name.rsplit("-", 1)[0] for _, name in generated} == {
        "inventory-config",
        "product-config",
        "gateway-config",
    }


def test_checkov_passes_on_the_renderings_with_the_component(
    with_fault_flags: Objects, tmp_path: Path
) -> None:
    for overlay, objects in with_fault_flags.items():
        (tmp_path / f"{overlay}.yaml").write_text(yaml.safe_dump_all(objects))
    results = checkov("--framework", "kubernetes", "--directory", str(tmp_path))
    assert_skips_are_justified(results["skipped"])
    scanned = {c["resource"] for c in results["passed"]}
    assert any("Deployment.shopstack.flagd" in resource for resource in scanned), scanned
