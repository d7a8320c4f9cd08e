"""Redis, the gateway's session store, in the rendered overlays: one instance that persists
nothing, its password from the generated Secret `redis-credentials` (never committed) in both
Redis and the gateway's session store URL, and hardened like every other workload
(test_kubernetes_manifests). Who may reach it: test_network_policies, test_service_egress.
"""

from typing import Any

import pytest

from .paths import OVERLAYS
from .test_identity_manifests import environment, main_container
from .test_kubernetes_manifests import named, of_kind, pod_labels, pod_spec

Objects = dict[str, list[dict[str, Any]]]


def redis_container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    (container,) = pod_spec(named(objects, "Deployment", "redis"))["containers"]
    return dict(container)


def argument(container: dict[str, Any], flag: str) -> str:
    args: list[str] = container["args"]
    return args[args.index(flag) + 1]


def secret_ref(container: dict[str, Any], variable: str) -> dict[str, str]:
    (var,) = [v for v in container["env"] if v["name"] == variable]
    return dict(var["valueFrom"]["secretKeyRef"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_redis_is_one_instance_never_two_at_once(rendered: Objects, overlay: str) -> None:
    objects = rendered[overlay]
    redis = named(objects, "Deployment", "redis")
    assert redis["spec"]["replicas"] == 1
    # A rolling update would put an empty second instance beside the first.
    assert redis["spec"]["strategy"] == {"type": "Recreate"}
    labels = pod_labels(redis)
    assert not [
        h
        for h in of_kind(objects, "HorizontalPodAutoscaler")
        if h["spec"]["scaleTargetRef"]["name"] == "redis"
    ]
    assert not [
        p
        for p in of_kind(objects, "PodDisruptionBudget")
        if p["spec"]["selector"]["matchLabels"].items() <= labels.items()
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_redis_persists_nothing_and_evicts_before_its_memory_limit(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    container = redis_container(objects)
    assert container["image"].startswith("redis:7.2.")
    # No RDB snapshot, no append-only file: no token ever reaches a disk.
    assert argument(container, "--save") == ""
    assert argument(container, "--appendonly") == "no"
    volumes = {v["name"]: v for v in pod_spec(named(objects, "Deployment", "redis"))["volumes"]}
    assert set(volumes) == {"data"}
    assert "emptyDir" in volumes["data"]
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]
    maxmemory = int(argument(container, "--maxmemory").removesuffix("mb"))
    limit = int(container["resources"]["limits"]["memory"].removesuffix("Mi"))
    assert maxmemory < limit
    assert argument(container, "--maxmemory-policy") == "volatile-lru"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_redis_and_the_gateway_share_the_generated_password_and_nobody_else_gets_it(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    (secret,) = [
        s
        for s in of_kind(objects, "Secret")
        if s["metadata"]["name"].startswith("redis-credentials-")
    ]
    assert set(secret["data"]) == {"REDIS_PASSWORD"}
    reference = {"name": secret["metadata"]["name"], "key": "REDIS_PASSWORD"}

    redis = redis_container(objects)
    assert argument(redis, "--requirepass") == "$(REDIS_PASSWORD)"
    assert secret_ref(redis, "REDIS_PASSWORD") == reference
    # The probes' redis-cli reads it from its environment, never from its command line.
    assert secret_ref(redis, "REDISCLI_AUTH") == reference
    for probe in ("livenessProbe", "readinessProbe"):
        command = " ".join(redis[probe]["exec"]["command"])
        assert "redis-cli ping" in command
        assert "-a " not in command

    gateway = main_container(objects, "gateway")
    assert secret_ref(gateway, "REDIS_PASSWORD") == reference
    env = environment(objects, gateway)
    assert env["GATEWAY_SESSION_STORE_URL"] == "redis://:<secret>@redis:6379/0"
    (url,) = [v["value"] for v in gateway["env"] if v["name"] == "GATEWAY_SESSION_STORE_URL"]
    assert url == "redis://:$(REDIS_PASSWORD)@redis:6379/0"

    for workload in of_kind(objects, "Deployment", "StatefulSet", "CronJob"):
        if workload["metadata"]["name"] in ("redis", "gateway"):
            continue
        for container in (
            pod_spec(workload).get("initContainers", []) + pod_spec(workload)["containers"]
        ):
            refs = [v for v in container.get("env", []) if "valueFrom" in v]
            assert not [
                v for v in refs if v["valueFrom"]["secretKeyRef"]["name"] == reference["name"]
            ], workload["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_redis_service_is_inside_the_cluster_on_its_named_port(
    rendered: Objects, overlay: str
) -> None:
    service = named(rendered[overlay], "Service", "redis")
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(6379, "redis")]
    ports = {p["name"]: p["containerPort"] for p in redis_container(rendered[overlay])["ports"]}
    assert ports == {"redis": 6379}
