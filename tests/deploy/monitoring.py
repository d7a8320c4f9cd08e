"""The monitoring component, deploy/k8s/components/monitoring: how the tests render it.

Each shipped overlay plus the component, through a throwaway overlay (as loadgen.py does for
the load generator): microk8s with the component's defaults (MicroK8s' observability add-on),
aks with AKS_SETTINGS, the settings deploy/monitoring/README.md gives for kube-prometheus-stack
in the namespace `monitoring`. The generator beside the component is imported by path.
"""

import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import yaml

from testkit.availability import require

from . import crds
from .crds import _CrdLoader
from .loadgen import Objects, overlay_of
from .paths import K8S, KUBECTL

COMPONENT = K8S / "components" / "monitoring"
GENERATOR = COMPONENT / "generate.py"
# Each rendering with the component -> the overlay it extends.
WITH_MONITORING = {"microk8s+monitoring": "microk8s", "aks+monitoring": "aks"}
# Where each rendering's Prometheus, Loki and Tempo run, and the release label they select.
MONITORING_NAMESPACE = {"microk8s+monitoring": "observability", "aks+monitoring": "monitoring"}
RELEASE = {"microk8s+monitoring": "kube-prom-stack", "aks+monitoring": "kube-prometheus-stack"}


def _namespace_patch(direction: str, namespace: str) -> str:
    """A JSON patch: the first peer of the first rule of `direction` selects `namespace`."""
    peer = f"/spec/{direction}/0/{'from' if direction == 'ingress' else 'to'}/0"
    value = {"kubernetes.io/metadata.name": namespace}
    return json.dumps(
        [{"op": "replace", "path": f"{peer}/namespaceSelector/matchLabels", "value": value}]
    )


# What an overlay adds for kube-prometheus-stack installed as `kube-prometheus-stack` in
# `monitoring` (deploy/monitoring/README.md shows the same as YAML).
AKS_SETTINGS: dict[str, Any] = {
    "patches": [
        {
            "target": {"group": "monitoring.coreos.com"},
            "patch": '[{"op": "replace", "path": "/metadata/labels/release", '
            '"value": "kube-prometheus-stack"}]',
        },
        {
            "target": {"kind": "NetworkPolicy", "name": "prometheus-scrape-.*"},
            "patch": _namespace_patch("ingress", "monitoring"),
        },
        {
            "target": {"kind": "NetworkPolicy", "name": "otel-collector|promtail"},
            "patch": _namespace_patch("egress", "monitoring"),
        },
    ],
    "configMapGenerator": [
        {
            "name": "monitoring-endpoints",
            "behavior": "merge",
            "literals": [
                "LOKI_PUSH_URL=http://loki-gateway.monitoring.svc/loki/api/v1/push",
                "TEMPO_OTLP_ENDPOINT=tempo.monitoring.svc:4317",
            ],
        }
    ],
}


def kustomize(folder: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize` of `folder`: its objects. Kustomize writes an AlertmanagerConfig's
    `matchType: =` unquoted, which PyYAML (YAML 1.1) cannot read but Kubernetes reads as the
    string it is: read as crds.py reads the CRDs that have it."""
    require(KUBECTL.exists(), f"{KUBECTL} is not installed (google-cloud-sdk's kubectl)")
    out = subprocess.run(
        [str(KUBECTL), "kustomize", str(folder)], capture_output=True, text=True, check=True
    ).stdout
    return [doc for doc in yaml.load_all(out, Loader=_CrdLoader) if doc]


def with_slack_secret(k8s_copy: Path) -> None:
    """The git-ignored secrets/slack.env of the component, from its example, as an operator
    (or ci/k8s-secrets.sh) makes it; an existing one is kept."""
    for example in (k8s_copy / "components" / "monitoring" / "secrets").glob("*.env.example"):
        if not example.with_suffix("").exists():
            shutil.copy(example, example.with_suffix(""))


def render_with_monitoring(k8s_copy: Path, scratch: Path) -> Objects:
    """Each rendering in WITH_MONITORING: its objects."""
    with_slack_secret(k8s_copy)
    rendered = {}
    for rendering, overlay in WITH_MONITORING.items():
        body: dict[str, Any] = {
            "namespace": "shopstack",
            "resources": [k8s_copy / "overlays" / overlay],
            "components": [k8s_copy / "components" / "monitoring"],
        }
        if overlay == "aks":
            body.update(copy.deepcopy(AKS_SETTINGS))
        rendered[rendering] = kustomize(overlay_of(scratch / rendering, body))
    return rendered


@cache
def generator() -> ModuleType:
    """deploy/k8s/components/monitoring/generate.py as a module."""
    name = "shopstack_monitoring_generate"
    spec = importlib.util.spec_from_file_location(name, GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def of_component(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects the component adds (all labelled app.kubernetes.io/component: monitoring)."""
    return [
        o
        for o in objects
        if o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "monitoring"
    ]


def kind(objects: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == name]


def config_map_data(objects: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    """The data of the (generated, hash-suffixed) ConfigMap whose name starts with `prefix`."""
    (found,) = [
        o
        for o in objects
        if o["kind"] == "ConfigMap" and o["metadata"]["name"].rsplit("-", 1)[0] == prefix
    ]
    data: dict[str, str] = found["data"]
    return data


def _python_patterns(node: Any) -> Any:
    """The schema with the Go (RE2) patterns Python's `re` refuses made readable: RE2 allows
    a flag group such as `(?i)` anywhere (PrometheusRule's and AlertmanagerConfig's CRDs have
    `^(?i)…` and `^((?i)january|…)`), Python only at the start. Such a pattern becomes
    case-insensitive as a whole: a little more lenient than the API server, never stricter."""
    if isinstance(node, dict):
        fixed = {key: _python_patterns(value) for key, value in node.items()}
        pattern = fixed.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error:
                fixed["pattern"] = "(?i)" + pattern.replace("(?i)", "")
        return fixed
    if isinstance(node, list):
        return [_python_patterns(value) for value in node]
    return node


def validate(obj: dict[str, Any]) -> None:
    """crds.validate, with the Prometheus Operator's CRD patterns readable by Python."""
    if not obj["apiVersion"].startswith("monitoring.coreos.com/"):
        crds.validate(obj)
        return
    schema = crds.custom_resource_schema(obj)
    assert schema is not None, f"no CRD for {obj['apiVersion']} {obj['kind']} in {crds.CRDS}"
    jsonschema.validate(obj, _python_patterns(schema), cls=jsonschema.Draft7Validator)
