"""The optional Locust load generator, deploy/k8s/components/loadgen: how the tests render it.

Rendered like the overlays in conftest (`kubectl kustomize` on the session's copy of
deploy/k8s): the committed example overlay microk8s-load, and the aks overlay plus the
component through a throwaway overlay, which shows that any overlay can switch it on. The
`with_loadgen` fixture in conftest holds both renderings; test_loadgen_component and
test_loadgen_network check them.
"""

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from testkit.availability import require

from .paths import KUBECTL, REPO

Objects = dict[str, list[dict[str, Any]]]
COMPONENT = REPO / "deploy" / "k8s" / "components" / "loadgen"
# The one locustfile: in the component, since Kustomize reads no file outside it.
LOCUSTFILE = COMPONENT / "locustfile.py"
# Each rendering with the component -> the overlay it extends.
WITH_LOADGEN = {"microk8s-load": "microk8s", "aks+loadgen": "aks"}


def kustomize(folder: Path) -> list[dict[str, Any]]:
    require(KUBECTL.exists(), f"{KUBECTL} is not installed (google-cloud-sdk's kubectl)")
    out = subprocess.run(
        [str(KUBECTL), "kustomize", str(folder)], capture_output=True, text=True, check=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def overlay_of(folder: Path, body: dict[str, Any]) -> Path:
    """A kustomization.yaml in `folder`; its `resources` and `components` are given as
    absolute paths and written relative to `folder`, as Kustomize wants them."""
    folder.mkdir(parents=True)
    for key in ("resources", "components"):
        if key in body:
            body[key] = [os.path.relpath(path, folder) for path in body[key]]
    text = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", **body}
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(text))
    return folder


def render_with_loadgen(k8s_copy: Path, scratch: Path) -> Objects:
    """Each rendering in WITH_LOADGEN: its objects. `scratch` holds the throwaway overlay."""
    aks_plus = overlay_of(
        scratch / "overlay",
        {
            "namespace": "shopstack",
            "resources": [k8s_copy / "overlays" / "aks"],
            "components": [k8s_copy / "components" / "loadgen"],
        },
    )
    return {
        "microk8s-load": kustomize(k8s_copy / "overlays" / "microk8s-load"),
        "aks+loadgen": kustomize(aks_plus),
    }


def job(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The load generator's Job."""
    (found,) = [o for o in objects if o["kind"] == "Job" and o["metadata"]["name"] == "loadgen"]
    return found
