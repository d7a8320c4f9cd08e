"""Redis, the gateway's session store, in the rendered overlays: one instance that persists
nothing, its password from the generated Secret `redis-credentials` (never committed) as a
file for both Redis (through its config) and the gateway's session store, hardened like
every other workload (test_kubernetes_manifests). Who may reach it: test_network_policies,
test_service_egress.
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


def redis_conf(objects: list[dict[str, Any]]) -> dict[str, str]:
    """The directives of the redis.conf Redis is started with (its ConfigMap volume)."""
    redis = named(objects, "Deployment", "redis")
    (container,) = pod_spec(redis)["containers"]
    assert container["args"] == ["/etc/redis/redis.conf"]
    volumes = {v["name"]: v for v in pod_spec(redis)["volumes"]}
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/etc/redis"]
    (config,) = [
        c
        for c in of_kind(objects, "ConfigMap")
        if c["metadata"]["name"] == volumes[mount["name"]]["configMap"]["name"]
    ]
    directives = {}
    for line in config["data"]["redis.conf"].splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition(" ")
            directives[name] = value
    return directives


def secret_volumes(workload: dict[str, Any], secret: str) -> list[dict[str, Any]]:
    return [
        v
        for v in pod_spec(workload).get("volumes", [])
        if v.get("secret", {}).get("secretName") == secret
    ]


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
    conf = redis_conf(objects)
    # No RDB snapshot, no append-only file: no token ever reaches a disk.
    assert conf["save"] == '""'
    assert conf["appendonly"] == "no"
    # The password is the one included file, written into memory by the init container.
    assert conf["include"] == "/var/run/redis-auth/auth.conf"
    volumes = {v["name"]: v for v in pod_spec(named(objects, "Deployment", "redis"))["volumes"]}
    assert set(volumes) == {"data", "config", "auth", "password"}
    assert "emptyDir" in volumes["data"]
    assert volumes["auth"]["emptyDir"]["medium"] == "Memory"
    writable = [m for m in container["volumeMounts"] if not m.get("readOnly")]
    assert writable == [{"name": "data", "mountPath": "/data"}]
    maxmemory = int(conf["maxmemory"].removesuffix("mb"))
    limit = int(container["resources"]["limits"]["memory"].removesuffix("Mi"))
    assert maxmemory < limit
    assert conf["maxmemory-policy"] == "volatile-lru"


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
    name = secret["metadata"]["name"]

    redis = named(objects, "Deployment", "redis")
    (volume,) = secret_volumes(redis, name)
    assert volume["secret"]["items"] == [{"key": "REDIS_PASSWORD", "path": "password"}]
    (init,) = pod_spec(redis)["initContainers"]
    script = init["command"][-1]
    assert "/var/run/secrets/shopstack/redis/password" in script
    assert "requirepass" in script
    container = redis_container(objects)
    # Neither Redis nor its probes get the password from the manifest's environment or args.
    assert "env" not in container
    for probe in ("livenessProbe", "readinessProbe"):
        command = " ".join(container[probe]["exec"]["command"])
        assert "redis-cli ping" in command
        assert "-a " not in command
        assert 'REDISCLI_AUTH="$(cat /var/run/secrets/shopstack/redis/password)"' in command

    gateway_deployment = named(objects, "Deployment", "gateway")
    (volume,) = secret_volumes(gateway_deployment, name)
    assert volume["secret"]["items"] == [{"key": "REDIS_PASSWORD", "path": "password"}]
    gateway = main_container(objects, "gateway")
    env = environment(objects, gateway)
    assert env["GATEWAY_SESSION_STORE_URL"] == "redis://@redis:6379/0"
    assert env["GATEWAY_SESSION_STORE_PASSWORD_FILE"] == (
        "/var/run/secrets/shopstack/session-store/password"
    )

    for workload in of_kind(objects, "Deployment", "StatefulSet", "CronJob"):
        if workload["metadata"]["name"] in ("redis", "gateway"):
            continue
        assert not secret_volumes(workload, name), workload["metadata"]["name"]
        for container in (
            pod_spec(workload).get("initContainers", []) + pod_spec(workload)["containers"]
        ):
            refs = [v for v in container.get("env", []) if "valueFrom" in v]
            assert not [
                v for v in refs if v["valueFrom"].get("secretKeyRef", {}).get("name") == name
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
