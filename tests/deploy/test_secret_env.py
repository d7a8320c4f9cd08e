"""No container of any rendering gets a password, secret or token as an environment variable:
credentials are files of mounted Secrets (``*_FILE`` variables name them), never `env` values,
secretKeyRefs, `envFrom` Secrets, ConfigMap values or URLs with a password in them.

One exception, with its reason: mongodb_exporter 0.40 reads its password from the environment
only (MONGODB_PASSWORD; no option file, no ``_FILE`` variable) and its image has no shell to read
a file first (percona/mongodb_exporter#1169).
"""

import re
from typing import Any

import pytest

from .test_kubernetes_manifests import all_containers, of_kind, pod_spec, secret_file_of

Objects = dict[str, list[dict[str, Any]]]
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
# A name that carries a credential: PASSWORD, MYSQL_PWD, CLIENT_SECRET, REDISCLI_AUTH, …
CREDENTIAL = re.compile(r"PASS(WORD|WD)?|PWD|SECRET|TOKEN|CREDENTIAL|(^|_)AUTH$|API_?KEY", re.I)
# Settings about credentials that are none themselves: where a token is fetched, where a file is.
NOT_A_CREDENTIAL = ("_URL", "_FILE")
# (workload, container, variable): the documented exceptions.
EXCEPTIONS = {("mongodb", "mongodb-exporter", "MONGODB_PASSWORD")}


@pytest.fixture(scope="module")
def every_rendering(
    rendered: Objects,
    with_loadgen: Objects,
    with_service_nodeports: Objects,
    with_monitoring: Objects,
) -> Objects:
    """The overlays as committed, and with each opt-in component."""
    return {**rendered, **with_loadgen, **with_service_nodeports, **with_monitoring}


def has_password(value: str) -> bool:
    """A URL with a password in it, literal or a $(VAR) Kubernetes expands."""
    return any(
        ":" in userinfo for userinfo in re.findall(r"[a-z][a-z0-9+.-]*://([^/@\s]*)@", value, re.I)
    )


def offences(objects: list[dict[str, Any]]) -> list[str]:
    found = []
    for workload in of_kind(objects, *WORKLOAD_KINDS):
        name = workload["metadata"]["name"]
        for container in all_containers(workload):
            where = f"{workload['kind']}/{name}/{container['name']}"
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    found.append(f"{where}: envFrom a Secret ({source['secretRef']['name']})")
            for var in container.get("env", []):
                if (name, container["name"], var["name"]) in EXCEPTIONS:
                    continue
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                value = var.get("value", "")
                if ref:
                    found.append(f"{where}: {var['name']} from Secret key {ref['key']}")
                elif var["name"].endswith("_FILE"):
                    # A path, and the path of a file in a read-only Secret mount at that.
                    if CREDENTIAL.search(var["name"]) and not secret_file_of(
                        workload, container, value
                    ):
                        found.append(f"{where}: {var['name']} is no file of a mounted Secret")
                elif CREDENTIAL.search(var["name"]) and not var["name"].endswith(NOT_A_CREDENTIAL):
                    found.append(f"{where}: {var['name']} is a credential as a plain value")
                elif has_password(value):
                    found.append(f"{where}: {var['name']} is a URL with a password in it")
    for config_map in of_kind(objects, "ConfigMap"):
        for key, value in config_map.get("data", {}).items():
            if (CREDENTIAL.search(key) and not key.endswith(NOT_A_CREDENTIAL)) or has_password(
                value
            ):
                found.append(f"ConfigMap/{config_map['metadata']['name']}: {key}")
    return found


def test_no_container_of_any_rendering_gets_a_credential_in_its_environment(
    every_rendering: Objects,
) -> None:
    assert {name: offences(objects) for name, objects in every_rendering.items()} == {
        name: [] for name in every_rendering
    }


def test_the_one_exception_is_still_needed(rendered: Objects) -> None:
    # Once the exporter can read a file, this fails: drop the exception (and its CKV_K8S_35).
    for objects in rendered.values():
        (mongodb,) = [
            w for w in of_kind(objects, "StatefulSet") if w["metadata"]["name"] == "mongodb"
        ]
        (exporter,) = [
            c for c in pod_spec(mongodb)["containers"] if c["name"] == "mongodb-exporter"
        ]
        assert exporter["image"] == "percona/mongodb_exporter:0.40.0"
        (password,) = [v for v in exporter["env"] if v["name"] == "MONGODB_PASSWORD"]
        assert password["valueFrom"]["secretKeyRef"]["key"] == "MONGODB_EXPORTER_PASSWORD"


def test_the_check_catches_each_way_a_password_could_come_back() -> None:
    def pod(container: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": "Deployment",
            "metadata": {"name": "demo"},
            "spec": {
                "template": {"spec": {"volumes": [], "containers": [{"name": "c", **container}]}}
            },
        }

    ref = {"valueFrom": {"secretKeyRef": {"name": "s", "key": "DB_PASSWORD"}}}
    cases = [
        pod({"env": [{"name": "DB_PASSWORD", **ref}]}),
        pod({"env": [{"name": "X", **ref}]}),
        pod({"env": [{"name": "API_TOKEN", "value": "abc"}]}),
        pod({"env": [{"name": "URL", "value": "redis://:hunter2@redis:6379/0"}]}),
        pod({"env": [{"name": "URL", "value": "mysql://u:$(P)@db/x"}]}),
        pod({"env": [{"name": "DB_PASSWORD_FILE", "value": "/etc/not-a-secret"}]}),
        pod({"envFrom": [{"secretRef": {"name": "s"}}]}),
        {"kind": "ConfigMap", "metadata": {"name": "m"}, "data": {"REDIS_PASSWORD": "x"}},
    ]
    for case in cases:
        assert offences([case]), case
    assert offences([pod({"env": [{"name": "URL", "value": "redis://@redis:6379/0"}]})]) == []
