"""Who may open a connection to whom, decided by rendered NetworkPolicies.

A small evaluator of the NetworkPolicy rules the manifests use (pod and namespace selectors,
ipBlock, named and numbered ports) that answers each question the way the API defines it: a
pod selected by any policy of a direction (Ingress, Egress) admits, in that direction, only
what one of those policies' rules admits. Shared by test_network_policies (the overlays) and
test_loadgen_network (the load generator component).
"""

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NAMESPACE = "shopstack"


def selects(selector: dict[str, Any], labels: Mapping[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        present = labels.get(expression["key"])
        if expression["operator"] == "In" and present not in expression["values"]:
            return False
        if expression["operator"] not in ("In",):
            raise NotImplementedError(expression["operator"])
    return True


class Endpoint:
    """One end of a connection: a pod (its namespace and labels) or an address outside the
    pod network."""

    title: str
    namespace: str
    labels: Mapping[str, str]
    ip: str | None

    def matches(self, peer: dict[str, Any]) -> bool:
        """Is this endpoint one of a rule's `from` or `to` peers?"""
        if "ipBlock" in peer:
            if self.ip is None:
                return False
            address = ipaddress.ip_address(self.ip)
            block = peer["ipBlock"]
            return address in ipaddress.ip_network(block["cidr"]) and not any(
                address in ipaddress.ip_network(e) for e in block.get("except", [])
            )
        if self.ip is not None:
            return False
        namespace_labels = {"kubernetes.io/metadata.name": self.namespace}
        if "namespaceSelector" in peer:
            if not selects(peer["namespaceSelector"], namespace_labels):
                return False
        elif self.namespace != NAMESPACE:
            return False
        return selects(peer.get("podSelector", {}), self.labels)


class Source(Endpoint):
    """A client: a pod (namespace and app.kubernetes.io/name) or an address outside."""

    def __init__(self, namespace: str = NAMESPACE, ip: str | None = None, **labels: str) -> None:
        self.namespace = namespace
        self.title = ip or f"{namespace}/{labels.get('name')}"
        self.labels = {"app.kubernetes.io/name": labels.pop("name")} if "name" in labels else {}
        self.ip = ip


@dataclass(frozen=True)
class Destination(Endpoint):
    """A server: a pod (namespace, labels, named container ports) or an address outside."""

    title: str
    namespace: str = NAMESPACE
    labels: Mapping[str, str] = field(default_factory=dict)
    named_ports: Mapping[str, int] = field(default_factory=dict)
    ip: str | None = None

    def serves(self, rule_port: dict[str, Any], port: int, protocol: str) -> bool:
        """Does an egress rule's port entry cover this port of this server?"""
        if rule_port.get("protocol", "TCP") != protocol:
            return False
        if "port" not in rule_port:
            return True
        wanted = rule_port["port"]
        if isinstance(wanted, str):
            return self.named_ports.get(wanted) == port
        return bool(wanted <= port <= rule_port.get("endPort", wanted))


def policy_types(policy: dict[str, Any]) -> list[str]:
    """The directions a policy isolates, with the API's default when it names none."""
    spec = policy["spec"]
    types: list[str] = spec.get(
        "policyTypes", ["Ingress", *(["Egress"] if "egress" in spec else [])]
    )
    return types


def policies_for(
    objects: list[dict[str, Any]], labels: Mapping[str, str], direction: str
) -> list[dict[str, Any]]:
    """The NetworkPolicies of one direction that select pods with these labels."""
    return [
        p
        for p in objects
        if p["kind"] == "NetworkPolicy"
        and direction in policy_types(p)
        and selects(p["spec"]["podSelector"], labels)
    ]


def allowed(objects: list[dict[str, Any]], source: Source, target: str, port: str) -> bool:
    """May this client connect to this named port of the Deployment or StatefulSet `target`?"""
    pod = next(
        o
        for o in objects
        if o["kind"] in ("Deployment", "StatefulSet") and o["metadata"]["name"] == target
    )
    labels = pod["spec"]["template"]["metadata"]["labels"]
    policies = policies_for(objects, labels, "Ingress")
    if not policies:
        return True
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            ports = [p["port"] for p in rule.get("ports", [])]
            if ports and port not in ports:
                continue
            peers = rule.get("from", [])
            if not peers or any(source.matches(peer) for peer in peers):
                return True
    return False


def egress_allowed(
    objects: list[dict[str, Any]],
    labels: Mapping[str, str],
    destination: Destination,
    port: int,
    protocol: str = "TCP",
) -> bool:
    """May a pod of this namespace with these labels open this connection?"""
    policies = policies_for(objects, labels, "Egress")
    if not policies:
        return True
    for policy in policies:
        for rule in policy["spec"].get("egress", []):
            ports = rule.get("ports", [])
            if ports and not any(destination.serves(p, port, protocol) for p in ports):
                continue
            peers = rule.get("to", [])
            if not peers or any(destination.matches(peer) for peer in peers):
                return True
    return False
