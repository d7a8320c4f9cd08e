"""The optional Locust load generator's NetworkPolicies: whom it may reach, who may reach it.

The renderings with the component (loadgen.py, the `with_loadgen` fixture in conftest) are
evaluated in both directions by network.py's evaluator: the load generator reaches the
gateway and the cluster DNS only, nothing connects to it, and every other connection is
decided as in the plain overlays (test_network_policies' ALLOWED and DENIED).
"""

from typing import Any

import pytest

from .loadgen import WITH_LOADGEN, Objects, job
from .network import Destination, Source, allowed, egress_allowed, policies_for
from .test_kubernetes_manifests import all_containers, named, of_kind, pod_labels, pod_spec
from .test_network_policies import ALLOWED, DENIED, case_ids

LOADGEN = Source(name="loadgen")


def every_server_in_the_namespace(objects: list[dict[str, Any]]) -> list[tuple[Destination, int]]:
    servers = []
    for workload in of_kind(objects, "Deployment", "StatefulSet"):
        ports = {
            p["name"]: p["containerPort"]
            for c in all_containers(workload)
            for p in c.get("ports", [])
        }
        pod = Destination(
            workload["metadata"]["name"], labels=pod_labels(workload), named_ports=ports
        )
        servers += [(pod, number) for number in ports.values()]
    return servers


KUBE_DNS = Destination(
    "kube-system/coredns",
    namespace="kube-system",
    labels={"k8s-app": "kube-dns"},
    named_ports={"dns": 53, "dns-tcp": 53, "metrics": 9153},
)
ELSEWHERE = [
    (
        Destination(
            "default/gateway", namespace="default", labels={"app.kubernetes.io/name": "gateway"}
        ),
        8000,
        "TCP",
    ),
    (KUBE_DNS, 9153, "TCP"),
    (
        Destination(
            "kube-system/metrics-server",
            namespace="kube-system",
            labels={"k8s-app": "metrics-server"},
        ),
        53,
        "UDP",
    ),
    (Destination("the API server", ip="10.152.183.1"), 443, "TCP"),
    (Destination("the internet", ip="203.0.113.10"), 443, "TCP"),
    (Destination("the internet", ip="203.0.113.10"), 53, "UDP"),
]


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_the_load_generator_may_reach_the_gateway_and_dns(
    with_loadgen: Objects, rendering: str
) -> None:
    objects = with_loadgen[rendering]
    labels = pod_labels(job(objects))
    gateway = named(objects, "Deployment", "gateway")
    (container,) = pod_spec(gateway)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    pod = Destination("gateway", labels=pod_labels(gateway), named_ports=ports)
    assert egress_allowed(objects, labels, pod, ports["http"])
    assert egress_allowed(objects, labels, KUBE_DNS, 53, "UDP")
    assert egress_allowed(objects, labels, KUBE_DNS, 53, "TCP")
    # And the gateway's side admits it (the base denies every ingress it does not list).
    assert allowed(objects, LOADGEN, "gateway", "http")


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_the_load_generator_may_reach_nothing_else(with_loadgen: Objects, rendering: str) -> None:
    objects = with_loadgen[rendering]
    labels = pod_labels(job(objects))
    (gateway,) = pod_spec(named(objects, "Deployment", "gateway"))["containers"]
    gateway_http = {p["name"]: p["containerPort"] for p in gateway["ports"]}["http"]
    servers = every_server_in_the_namespace(objects)
    assert {s.title for s, _ in servers} >= {"product", "inventory", "order", "mysql", "mongodb"}
    for server, number in servers:
        expected = server.title == "gateway" and number == gateway_http
        assert egress_allowed(objects, labels, server, number) is expected, (server.title, number)
        assert not egress_allowed(objects, labels, server, number, "UDP"), (server.title, number)
    for destination, number, protocol in ELSEWHERE:
        assert not egress_allowed(objects, labels, destination, number, protocol), destination
    # Nor does any other service admit it.
    for target, port in (
        ("product", "http"),
        ("inventory", "http"),
        ("order", "http"),
        ("mysql", "mysql"),
        ("mongodb", "mongodb"),
        ("mysql", "metrics"),
    ):
        assert not allowed(objects, LOADGEN, target, port), target


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
def test_nothing_may_connect_to_the_load_generator(with_loadgen: Objects, rendering: str) -> None:
    objects = with_loadgen[rendering]
    labels = pod_labels(job(objects))
    policies = policies_for(objects, labels, "Ingress")
    assert policies  # so it is isolated for ingress
    clients = [source for source, _, _ in ALLOWED + DENIED] + [Source(ip="10.1.2.3")]
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            # A rule without `from` would admit every client.
            assert rule.get("from"), policy["metadata"]["name"]
            for client in clients:
                assert not any(client.matches(peer) for peer in rule["from"]), (
                    policy["metadata"]["name"],
                    client.title,
                )


CONNECTIONS = [(*case, True) for case in ALLOWED] + [(*case, False) for case in DENIED]


@pytest.mark.parametrize("rendering", WITH_LOADGEN)
@pytest.mark.parametrize(
    ("source", "target", "port", "expected"),
    CONNECTIONS,
    ids=case_ids([case[:3] for case in CONNECTIONS]),
)
def test_the_component_changes_no_other_connection(
    with_loadgen: Objects, rendering: str, source: Source, target: str, port: str, expected: bool
) -> None:
    assert allowed(with_loadgen[rendering], source, target, port) is expected
