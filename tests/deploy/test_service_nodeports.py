"""The opt-in component components/service-nodeports: product, inventory and order on the
seed's NodePorts, and reachable there from outside the pod network, only when an overlay
lists it; the plain microk8s overlay opens the gateway's NodePort alone.

Rendered from the example overlay docs/deploy.md shows (nodeports.py; conftest's
`with_service_nodeports`): the documentation's own YAML is what is tested.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from . import crds
from .network import Source, allowed
from .nodeports import documented_overlay
from .test_kubernetes_manifests import MICROK8S_NODE_PORTS, named, of_kind
from .test_network_policies import ALLOWED, DENIED, OUTSIDE, case_ids
from .test_scanners import assert_skips_are_justified, checkov

Objects = dict[str, list[dict[str, Any]]]
RENDERING = "microk8s+service-nodeports"
SEED_NODE_PORTS = {"product": 31309, "inventory": 31081, "order": 31004}


def objects_of(with_service_nodeports: Objects) -> list[dict[str, Any]]:
    return with_service_nodeports[RENDERING]


def test_the_plain_microk8s_overlay_has_no_node_port_but_the_gateways(rendered: Objects) -> None:
    node_ports = {
        service["metadata"]["name"]: [p.get("nodePort") for p in service["spec"]["ports"]]
        for service in of_kind(rendered["microk8s"], "Service")
        if service["spec"].get("type") == "NodePort"
    }
    assert node_ports == {name: [port] for name, port in MICROK8S_NODE_PORTS.items()}
    for target in SEED_NODE_PORTS:
        assert not allowed(rendered["microk8s"], OUTSIDE, target, "http"), target


def test_with_the_component_each_service_is_on_the_seeds_node_port(
    with_service_nodeports: Objects,
) -> None:
    objects = objects_of(with_service_nodeports)
    for name, node_port in {**SEED_NODE_PORTS, **MICROK8S_NODE_PORTS}.items():
        service = named(objects, "Service", name)
        assert service["spec"]["type"] == "NodePort", name
        assert [p["nodePort"] for p in service["spec"]["ports"]] == [node_port], name
    # Never the identity service, the gateway's management port or a database.
    for name in ("identity", "gateway-management", "mysql", "mongodb"):
        assert named(objects, "Service", name)["spec"].get("type", "ClusterIP") == "ClusterIP"


@pytest.mark.parametrize("target", [*SEED_NODE_PORTS, "gateway"])
def test_with_the_component_node_port_clients_reach_the_three_services(
    with_service_nodeports: Objects, target: str
) -> None:
    assert allowed(objects_of(with_service_nodeports), OUTSIDE, target, "http")


@pytest.mark.parametrize(
    ("target", "port"),
    [("identity", "http"), ("mysql", "mysql"), ("mongodb", "mongodb"), ("gateway", "management")],
)
def test_with_the_component_node_port_clients_reach_nothing_else(
    with_service_nodeports: Objects, target: str, port: str
) -> None:
    assert not allowed(objects_of(with_service_nodeports), OUTSIDE, target, port)


CONNECTIONS = [(*case, True) for case in ALLOWED] + [(*case, False) for case in DENIED]


@pytest.mark.parametrize(
    ("source", "target", "port", "expected"),
    [case for case in CONNECTIONS if case[0] is not OUTSIDE],
    ids=case_ids([case[:3] for case in CONNECTIONS if case[0] is not OUTSIDE]),
)
def test_the_component_changes_no_connection_inside_the_cluster(
    with_service_nodeports: Objects, source: Source, target: str, port: str, expected: bool
) -> None:
    assert allowed(objects_of(with_service_nodeports), source, target, port) is expected


def test_every_object_with_the_component_is_valid_against_its_schema(
    with_service_nodeports: Objects,
) -> None:
    for obj in objects_of(with_service_nodeports):
        crds.validate(obj)


def test_the_component_adds_one_policy_and_changes_only_the_three_services(
    rendered: Objects, with_service_nodeports: Objects
) -> None:
    def by_key(objects: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(o["kind"], o["metadata"]["name"]): o for o in objects}

    plain, switched_on = by_key(rendered["microk8s"]), by_key(objects_of(with_service_nodeports))
    assert set(switched_on) - set(plain) == {("NetworkPolicy", "allow-service-nodeports")}
    assert set(plain) <= set(switched_on)
    changed = {key for key in plain if plain[key] != switched_on[key]}
    assert changed == {("Service", name) for name in SEED_NODE_PORTS}


def test_the_documented_example_is_the_microk8s_overlay_plus_the_component() -> None:
    folder, text = documented_overlay()
    assert folder.startswith("overlays/")
    assert yaml.safe_load(text) == {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "shopstack",
        "resources": ["../microk8s"],
        "components": ["../../components/service-nodeports"],
    }


def test_checkov_passes_on_the_rendering_with_the_component(
    with_service_nodeports: Objects, tmp_path: Path
) -> None:
    rendering = yaml.safe_dump_all(objects_of(with_service_nodeports))
    (tmp_path / f"{RENDERING}.yaml").write_text(rendering)
    report = checkov("--framework", "kubernetes", "--directory", str(tmp_path))
    scanned = {c["resource"] for c in report["passed"]}
    assert {f"Service.shopstack.{name}" for name in SEED_NODE_PORTS} <= scanned
    assert_skips_are_justified(report["skipped"])


def test_the_aks_overlay_opens_no_node_port_and_no_load_balancer(rendered: Objects) -> None:
    # Only the ingress controller (outside this overlay) is reachable from outside.
    exposed = [
        service["metadata"]["name"]
        for service in of_kind(rendered["aks"], "Service")
        if service["spec"].get("type", "ClusterIP") != "ClusterIP"
    ]
    assert exposed == []
    for target in SEED_NODE_PORTS:
        assert not allowed(rendered["aks"], OUTSIDE, target, "http"), target
