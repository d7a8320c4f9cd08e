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
IDENTITY = Source(name="identity")
MYSQL_BACKUP = Source(name="mysql-backup")
MONGODB_BACKUP = Source(name="mongodb-backup")
MYSQL = Source(name="mysql")
MONGODB = Source(name="mongodb")
LOADGEN = Source(name="loadgen")
PROMETHEUS = Source(namespace="monitoring", name="prometheus")
INGRESS_CONTROLLER = Source(namespace="ingress", name="nginx-ingress-microk8s")
STRANGER = Source(name="debug-shell")
STRANGER_ELSEWHERE = Source(namespace="default", name="gateway")
OUTSIDE = Source(ip="192.168.1.20")

ALLOWED = [
    (INGRESS_CONTROLLER, "gateway", "http"),
    # Browsers on the identity host: its sign-in and sign-up pages, /authorize, /logout.
    (INGRESS_CONTROLLER, "identity", "http"),
    # The gateway's session store, and nobody else's.
    (GATEWAY, "redis", "redis"),
    (GATEWAY, "product", "http"),
    (GATEWAY, "inventory", "http"),
    (GATEWAY, "order", "http"),
    (ORDER, "product", "http"),
    (ORDER, "inventory", "http"),
    (INVENTORY, "mysql", "mysql"),
    (ORDER, "mysql", "mysql"),
    (IDENTITY, "mysql", "mysql"),
    (MYSQL_BACKUP, "mysql", "mysql"),
    (PRODUCT, "mongodb", "mongodb"),
    (MONGODB_BACKUP, "mongodb", "mongodb"),
    # The identity service: the sign-in pages the gateway forwards, the order service's token,
    # every service's keys (/jwks).
    *[(caller, "identity", "http") for caller in (GATEWAY, ORDER, PRODUCT, INVENTORY)],
    *[(PROMETHEUS, svc, "http") for svc in ("product", "inventory", "order", "identity")],
    # The gateway's metrics are on its management port, and only there.
    (PROMETHEUS, "gateway", "management"),
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
    # The gateway's management port: Prometheus only, and not its public port either.
    (PROMETHEUS, "gateway", "http"),
    (INGRESS_CONTROLLER, "gateway", "management"),
    (GATEWAY, "gateway", "management"),
    (ORDER, "gateway", "management"),
    (STRANGER, "gateway", "management"),
    (STRANGER_ELSEWHERE, "gateway", "management"),
    (OUTSIDE, "gateway", "management"),
    (STRANGER, "order", "http"),
    (STRANGER, "mysql", "mysql"),
    (STRANGER_ELSEWHERE, "product", "http"),
    (OUTSIDE, "mysql", "mysql"),
    (OUTSIDE, "mongodb", "mongodb"),
    # Nothing but the ingress controller, the gateway, the services and Prometheus reaches the
    # identity service.
    *[
        (source, "identity", "http")
        for source in (
            MYSQL,
            MONGODB,
            MYSQL_BACKUP,
            MONGODB_BACKUP,
            LOADGEN,
            IDENTITY,
            STRANGER,
            STRANGER_ELSEWHERE,
            OUTSIDE,
        )
    ],
    (IDENTITY, "mongodb", "mongodb"),
    (IDENTITY, "product", "http"),
    (IDENTITY, "inventory", "http"),
    (IDENTITY, "order", "http"),
    # The sessions (and the tokens in them): the gateway alone, never Prometheus, the ingress
    # controller or another service.
    *[
        (source, "redis", "redis")
        for source in (
            INGRESS_CONTROLLER,
            PRODUCT,
            INVENTORY,
            ORDER,
            IDENTITY,
            MYSQL,
            MONGODB,
            MYSQL_BACKUP,
            LOADGEN,
            PROMETHEUS,
            STRANGER,
            STRANGER_ELSEWHERE,
            OUTSIDE,
        )
    ],
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


def test_only_microk8s_admits_node_port_clients_and_only_to_the_gateway(
    rendered: Objects,
) -> None:
    assert allowed(rendered["microk8s"], OUTSIDE, "gateway", "http")
    assert not allowed(rendered["aks"], OUTSIDE, "gateway", "http")
    for overlay in OVERLAYS:
        for target in ("product", "inventory", "order", "identity"):
            assert not allowed(rendered[overlay], OUTSIDE, target, "http"), (overlay, target)


IDENTITY_CALLERS = {"gateway", "order", "product", "inventory"}
INGRESS_CONTROLLERS = ("ingress", "ingress-nginx", "app-routing-system")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_the_services_and_prometheus_reach_the_identity_service(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    workloads = {
        o["metadata"]["name"]
        for o in objects
        if o["kind"] in ("Deployment", "StatefulSet", "CronJob", "Job")
    }
    assert workloads >= IDENTITY_CALLERS | {"identity", "mysql", "mongodb", "mysql-backup"}
    for name in workloads:
        assert allowed(objects, Source(name=name), "identity", "http") is (
            name in IDENTITY_CALLERS
        ), name
    # Prometheus from any namespace, the same pods from any other namespace never.
    assert allowed(
        objects, Source(namespace="observability", name="prometheus"), "identity", "http"
    )
    for name in IDENTITY_CALLERS:
        assert not allowed(objects, Source(namespace="default", name=name), "identity", "http")
    # Browsers through whichever controller the cluster runs (as for the gateway), and through
    # no other namespace.
    for namespace in INGRESS_CONTROLLERS:
        controller = Source(namespace=namespace, name="controller")
        assert allowed(objects, controller, "identity", "http"), namespace
        assert allowed(objects, controller, "gateway", "http"), namespace
    assert not allowed(objects, Source(namespace="kube-system", name="x"), "identity", "http")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_reaches_redis(rendered: Objects, overlay: str) -> None:
    objects = rendered[overlay]
    workloads = {
        o["metadata"]["name"]
        for o in objects
        if o["kind"] in ("Deployment", "StatefulSet", "CronJob", "Job")
    }
    assert "redis" in workloads
    for name in workloads:
        assert allowed(objects, Source(name=name), "redis", "redis") is (name == "gateway"), name
    for namespace in ("default", "monitoring", *INGRESS_CONTROLLERS):
        assert not allowed(objects, Source(namespace=namespace, name="gateway"), "redis", "redis")
