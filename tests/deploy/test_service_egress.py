"""Whom the gateway, product, inventory, order and the identity service may open connections
to, decided by the rendered NetworkPolicies (network.py's evaluator, egress side): their own
store, the services they call, the identity service (keys; the order service's token; the
gateway's OIDC back channel) and the cluster DNS, and nothing else in the namespace, the
cluster or beyond. Redis opens no connection at all.
"""

from typing import Any

import pytest

from .network import Destination, egress_allowed
from .paths import OVERLAYS
from .test_kubernetes_manifests import named, pod_labels
from .test_loadgen_network import ELSEWHERE, KUBE_DNS, every_server_in_the_namespace

Objects = dict[str, list[dict[str, Any]]]
# Each service -> the servers (Deployment or StatefulSet, container port) it calls.
NEEDS = {
    "product": {("mongodb", 27017), ("identity", 8083)},
    "inventory": {("mysql", 3306), ("identity", 8083)},
    "order": {("mysql", 3306), ("product", 8080), ("inventory", 8081), ("identity", 8083)},
    # Its own keys it reads on loopback, which no policy sees.
    "identity": {("mysql", 3306)},
    # The services behind its allow-list, its session store, and the identity service: the
    # storefront's back channel (/token, /revoke, keys).
    "gateway": {
        ("product", 8080),
        ("inventory", 8081),
        ("order", 8082),
        ("redis", 6379),
        ("identity", 8083),
    },
}


def servers(objects: list[dict[str, Any]]) -> list[tuple[Destination, int]]:
    found = every_server_in_the_namespace(objects)
    assert {server.title for server, _ in found} >= {*NEEDS, "mysql", "mongodb", "redis"}
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", NEEDS)
def test_each_service_reaches_what_it_calls_and_the_cluster_dns(
    rendered: Objects, overlay: str, service: str
) -> None:
    objects = rendered[overlay]
    labels = pod_labels(named(objects, "Deployment", service))
    reachable = {
        (server.title, number)
        for server, number in servers(objects)
        if egress_allowed(objects, labels, server, number)
    }
    assert reachable == NEEDS[service]
    assert egress_allowed(objects, labels, KUBE_DNS, 53, "UDP")
    assert egress_allowed(objects, labels, KUBE_DNS, 53, "TCP")


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", NEEDS)
def test_no_service_reaches_anything_outside_the_namespace_but_dns(
    rendered: Objects, overlay: str, service: str
) -> None:
    objects = rendered[overlay]
    labels = pod_labels(named(objects, "Deployment", service))
    for server, number in servers(objects):
        assert not egress_allowed(objects, labels, server, number, "UDP"), server.title
    for destination, number, protocol in ELSEWHERE:
        assert not egress_allowed(objects, labels, destination, number, protocol), (
            destination.title,
            number,
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_redis_opens_no_connection_at_all_not_even_dns(rendered: Objects, overlay: str) -> None:
    objects = rendered[overlay]
    labels = pod_labels(named(objects, "Deployment", "redis"))
    for server, number in servers(objects):
        for protocol in ("TCP", "UDP"):
            assert not egress_allowed(objects, labels, server, number, protocol), server.title
    for destination, number, protocol in [*ELSEWHERE, (KUBE_DNS, 53, "UDP"), (KUBE_DNS, 53, "TCP")]:
        assert not egress_allowed(objects, labels, destination, number, protocol), (
            destination.title,
            number,
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_identity_service_is_reached_by_every_service_on_its_container_port(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    identity = next(server for server, _ in servers(objects) if server.title == "identity")
    for service in ("product", "inventory", "order", "gateway"):
        labels = pod_labels(named(objects, "Deployment", service))
        assert egress_allowed(objects, labels, identity, identity.named_ports["http"]), service
