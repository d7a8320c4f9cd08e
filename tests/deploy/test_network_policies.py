"""Who may open a connection to whom, decided by the rendered NetworkPolicies.

The evaluator in network.py (pod and namespace selectors, ipBlock, named ports) answers each
question the way the API defines them: a pod selected by any policy admits only what one of
its policies' rules admits.
"""

from typing import Any

import pytest

from .network import Source, allowed
from .paths import OVERLAYS

Objects = dict[str, list[dict[str, Any]]]


GATEWAY = Source(name="gateway")
PRODUCT = Source(name="product")
INVENTORY = Source(name="inventory")
ORDER = Source(name="order")
MYSQL_BACKUP = Source(name="mysql-backup")
MONGODB_BACKUP = Source(name="mongodb-backup")
PROMETHEUS = Source(namespace="monitoring", name="prometheus")
INGRESS_CONTROLLER = Source(namespace="ingress", name="nginx-ingress-microk8s")
STRANGER = Source(name="debug-shell")
STRANGER_ELSEWHERE = Source(namespace="default", name="gateway")
OUTSIDE = Source(ip="192.168.1.20")

ALLOWED = [
    (INGRESS_CONTROLLER, "gateway", "http"),
    (GATEWAY, "product", "http"),
    (GATEWAY, "inventory", "http"),
    (GATEWAY, "order", "http"),
    (ORDER, "product", "http"),
    (ORDER, "inventory", "http"),
    (INVENTORY, "mysql", "mysql"),
    (ORDER, "mysql", "mysql"),
    (MYSQL_BACKUP, "mysql", "mysql"),
    (PRODUCT, "mongodb", "mongodb"),
    (MONGODB_BACKUP, "mongodb", "mongodb"),
    *[(PROMETHEUS, svc, "http") for svc in ("gateway", "product", "inventory", "order")],
    (PROMETHEUS, "mysql", "metrics"),
    (PROMETHEUS, "mongodb", "metrics"),
]
DENIED = [
    (INGRESS_CONTROLLER, "product", "http"),
    (PRODUCT, "inventory", "http"),
    (PRODUCT, "order", "http"),
    (INVENTORY, "order", "http"),
    (INVENTORY, "product", "http"),
    (ORDER, "gateway", "http"),
    (GATEWAY, "mysql", "mysql"),
    (GATEWAY, "mongodb", "mongodb"),
    (PRODUCT, "mysql", "mysql"),
    (INVENTORY, "mongodb", "mongodb"),
    (ORDER, "mongodb", "mongodb"),
    (MYSQL_BACKUP, "mongodb", "mongodb"),
    (PROMETHEUS, "mysql", "mysql"),
    (PROMETHEUS, "mongodb", "mongodb"),
    (STRANGER, "gateway", "http"),
    (STRANGER, "order", "http"),
    (STRANGER, "mysql", "mysql"),
    (STRANGER_ELSEWHERE, "product", "http"),
    (OUTSIDE, "mysql", "mysql"),
    (OUTSIDE, "mongodb", "mongodb"),
]


def case_ids(cases: list[tuple[Source, str, str]]) -> list[str]:
    return [f"{source.title}->{target}:{port}" for source, target, port in cases]


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize(("source", "target", "port"), ALLOWED, ids=case_ids(ALLOWED))
def test_each_caller_reaches_what_it_needs(
    rendered: Objects, overlay: str, source: Source, target: str, port: str
) -> None:
    assert allowed(rendered[overlay], source, target, port)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize(("source", "target", "port"), DENIED, ids=case_ids(DENIED))
def test_nothing_else_reaches_a_service_or_a_database(
    rendered: Objects, overlay: str, source: Source, target: str, port: str
) -> None:
    assert not allowed(rendered[overlay], source, target, port)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_under_the_default_deny(rendered: Objects, overlay: str) -> None:
    (deny,) = [
        p
        for p in rendered[overlay]
        if p["kind"] == "NetworkPolicy" and p["metadata"]["name"] == "default-deny-ingress"
    ]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


@pytest.mark.parametrize("target", ["gateway", "product", "inventory", "order"])
def test_only_microk8s_admits_node_port_clients_to_the_services(
    rendered: Objects, target: str
) -> None:
    assert allowed(rendered["microk8s"], OUTSIDE, target, "http")
    assert not allowed(rendered["aks"], OUTSIDE, target, "http")
