"""Each image's CycloneDX SBOM, as deploy/images/build-and-run.sh writes it (ci/scan.sh's Trivy,
offline, on the image archives) into reports/sbom/: it lists every Python package that uv.lock
installs into that image, at its locked version.

The SBOMs are the ones the images test (test_images.py, which runs first in `make images`) wrote
in this session; run alone, this test builds the images itself. Minutes and root: run with
`pytest -m images` (make images).
"""

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker

from testkit.availability import require

from .images import SERVICES, build_args
from .paths import REPO

SCRIPT = REPO / "deploy" / "images" / "build-and-run.sh"
SBOM_DIR = Path(os.environ.get("SBOM_DIR", REPO / "reports" / "sbom"))
# Collection precedes every test of the session: an SBOM newer than this is this session's.
COLLECTED_AT = time.time()
# What the images run: CPython 3.11 on Debian bookworm.
IMAGE_PLATFORM = {
    "python_version": "3.11",
    "python_full_version": "3.11.14",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "platform_machine": "x86_64",
}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def uv() -> str:
    for candidate in (REPO / ".tools" / "bin" / "uv", shutil.which("uv")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise AssertionError("uv is bootstrapped into .tools/bin by `make sync`")


def locked_packages(package: str) -> dict[str, str]:
    """Name → version of every package uv.lock installs for `package` in an image (the
    Dockerfile's `uv sync --frozen --no-dev --package`), workspace members included."""
    exported = subprocess.run(
        [
            *(uv(), "export", "--frozen", "--no-dev", "--package", package, "--no-hashes"),
            *("--no-header", "--no-annotate", "--no-emit-workspace"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    packages: dict[str, str] = {}
    for line in exported.splitlines():
        requirement, _, marker = line.partition(";")
        if "==" not in requirement:
            continue
        if marker.strip() and not Marker(marker.strip()).evaluate(dict(IMAGE_PLATFORM)):
            continue
        name, version = requirement.strip().split("==")
        packages[normalized(name)] = version
    workspace_version = (REPO / "VERSION").read_text().strip()
    packages[normalized(package)] = workspace_version
    packages["shopkit"] = workspace_version
    return packages


@pytest.fixture(scope="module")
def sboms() -> dict[str, dict[str, Any]]:
    paths = {service: SBOM_DIR / f"{service}.cdx.json" for service in SERVICES}
    if not all(p.exists() and p.stat().st_mtime >= COLLECTED_AT for p in paths.values()):
        require(os.geteuid() == 0, "building images with buildah (vfs or overlay) needs root")
        for command in ("buildah", "debootstrap"):
            require(shutil.which(command) is not None, f"{command} is not installed (apt)")
        result = subprocess.run(
            ["bash", str(SCRIPT)],
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
            env=os.environ | {"SBOM_DIR": str(SBOM_DIR)},
        )
        assert result.returncode == 0, result.stderr[-6000:]
        assert "ok sbom: a CycloneDX SBOM per image" in result.stderr
    return {service: json.loads(path.read_text()) for service, path in paths.items()}


@pytest.mark.images
@pytest.mark.parametrize("service", SERVICES)
def test_each_images_sbom_lists_every_python_package_uv_lock_installs_in_it(
    sboms: dict[str, dict[str, Any]], service: str
) -> None:
    sbom = sboms[service]
    expected = locked_packages(build_args(service)["PACKAGE"])

    listed = {
        normalized(component["name"]): component["version"]
        for component in sbom["components"]
        if component.get("purl", "").startswith("pkg:pypi/")
    }

    assert sbom["bomFormat"] == "CycloneDX"
    assert len(expected) > 20
    missing = {name: version for name, version in expected.items() if listed.get(name) != version}
    assert not missing, f"in uv.lock, not in the {service} image's SBOM: {missing}"


@pytest.mark.images
def test_the_product_images_sbom_lists_no_sql_driver(sboms: dict[str, dict[str, Any]]) -> None:
    names = {normalized(component["name"]) for component in sboms["product"]["components"]}

    assert not names & {"asyncmy", "sqlalchemy", "aiosqlite"}
    assert "pymongo" in names
