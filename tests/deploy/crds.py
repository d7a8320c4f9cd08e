"""Every rendered object checked the way an API server would: built-in kinds against the
Kubernetes 1.29 schema (kubernetes-validate), custom resources (cert-manager's Certificate and
Issuer) against the `openAPIV3Schema` of their CustomResourceDefinition, kept unmodified in
tests/deploy/custom_resource_definitions (its README), strictly: a field the schema does not
declare is an error, as with `kubectl apply`'s default strict field validation.
"""

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import kubernetes_validate  # type: ignore[import-untyped]
import yaml

from testkit.availability import require

from .paths import REPO

# Kept in the repository, so a clone anywhere validates them; SHOPSTACK_CRDS_DIR for another copy.
CRDS = Path(
    os.environ.get("SHOPSTACK_CRDS_DIR", REPO / "tests" / "deploy" / "custom_resource_definitions")
)
KUBERNETES_VERSION = "1.29"


class _CrdLoader(yaml.SafeLoader):
    """YAML 1.1 resolves a bare `=` (an enum value in cert-manager's CRDs) to its obsolete
    `value` type, which PyYAML cannot build: here it is the string it is for Kubernetes."""


def _as_string(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


_CrdLoader.add_constructor("tag:yaml.org,2002:value", _as_string)


@cache
def _definitions() -> dict[tuple[str, str, str], dict[str, Any]]:
    """(group, version, kind) -> that version's schema, of every CRD kept in CRDS."""
    require(CRDS.is_dir(), f"{CRDS} holds no CustomResourceDefinitions")
    found = {}
    for path in sorted(CRDS.glob("*/*.yaml")):
        for crd in yaml.load_all(path.read_text(), Loader=_CrdLoader):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                key = (spec["group"], version["name"], spec["names"]["kind"])
                found[key] = _strict(version["schema"]["openAPIV3Schema"])
    return found


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every object that lists its properties closed to others (unless it
    preserves unknown fields), as the API server's strict field validation treats it."""
    closed = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if (
                "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(closed)
    # metadata is the API server's ObjectMeta, which the CRD leaves open.
    closed.get("properties", {}).get("metadata", {}).pop("additionalProperties", None)
    return closed


def custom_resource_schema(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The CRD schema of `obj`'s kind, or None for a kind the cluster itself defines."""
    group, _, version = obj["apiVersion"].rpartition("/")
    return _definitions().get((group, version, obj["kind"]))


def is_custom_resource(obj: dict[str, Any]) -> bool:
    group = obj["apiVersion"].rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")


def validate(obj: dict[str, Any]) -> None:
    """Raises on the first problem of `obj`: its kind's schema, built-in or from its CRD."""
    if not is_custom_resource(obj):
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        return
    schema = custom_resource_schema(obj)
    assert schema is not None, f"no CRD for {obj['apiVersion']} {obj['kind']} in {CRDS}"
    jsonschema.validate(obj, schema, cls=jsonschema.Draft7Validator)
