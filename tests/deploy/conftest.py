"""Fixtures for the deploy artefacts: the Kustomize overlays rendered once per session.

The `images` marker (buildah builds of every image, minutes and root) is opt-in: those
tests run only when selected with `-m images` (`make images`), never in a plain `pytest`.
"""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from testkit.availability import require

from .loadgen import Objects, kustomize, render_with_loadgen
from .monitoring import render_with_monitoring
from .nodeports import write_documented_overlay
from .paths import K8S, K8S_SECRETS, KUBECTL, OVERLAYS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "images: builds and runs the service images with buildah (make images)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "images" in (config.getoption("markexpr") or ""):
        return
    deselected = [item for item in items if item.get_closest_marker("images")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("images")]


@pytest.fixture(scope="session")
def k8s_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """deploy/k8s copied, with every overlay's secret files made by ci/k8s-secrets.sh, as an
    operator does before `kubectl apply -k` (the real files are never committed)."""
    root = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, root, ignore=shutil.ignore_patterns("*.env"))
    for overlay in sorted((root / "overlays").iterdir()):
        subprocess.run(["bash", str(K8S_SECRETS), str(overlay)], check=True, capture_output=True)
    return root


@pytest.fixture(scope="session")
def rendered(k8s_copy: Path) -> dict[str, list[dict[str, Any]]]:
    """Every overlay rendered by `kubectl kustomize`: overlay name -> its objects."""
    require(KUBECTL.exists(), f"{KUBECTL} is not installed (google-cloud-sdk's kubectl)")
    result = {}
    for overlay in OVERLAYS:
        out = subprocess.run(
            [str(KUBECTL), "kustomize", str(k8s_copy / "overlays" / overlay)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result[overlay] = [doc for doc in yaml.safe_load_all(out) if doc]
    return result


@pytest.fixture(scope="session")
def rendered_dir(
    rendered: dict[str, list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The renderings as files, for the scanners that read files."""
    folder = tmp_path_factory.mktemp("rendered")
    for overlay, objects in rendered.items():
        (folder / f"{overlay}.yaml").write_text(yaml.safe_dump_all(objects))
    return folder


@pytest.fixture(scope="session")
def with_loadgen(k8s_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Objects:
    """The overlays with the load generator component switched on (loadgen.WITH_LOADGEN):
    rendering name -> its objects. For test_loadgen_component and test_loadgen_network."""
    return render_with_loadgen(k8s_copy, tmp_path_factory.mktemp("aks-plus-loadgen"))


@pytest.fixture(scope="session")
def with_monitoring(k8s_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Objects:
    """The overlays with the monitoring component (monitoring.WITH_MONITORING): rendering
    name -> its objects. For test_monitoring_component and test_secret_env."""
    return render_with_monitoring(k8s_copy, tmp_path_factory.mktemp("with-monitoring"))


@pytest.fixture(scope="session")
def with_service_nodeports(k8s_copy: Path) -> Objects:
    """The example overlay of docs/deploy.md (microk8s plus components/service-nodeports),
    rendered from the session's copy of deploy/k8s: its objects, as "microk8s+service-nodeports"."""
    return {"microk8s+service-nodeports": kustomize(write_documented_overlay(k8s_copy))}
