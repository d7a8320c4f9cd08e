"""The service images, really built from the one unchanged Dockerfile and really run.

deploy/images/build-and-run.sh builds all five with buildah, with the pipeline's build args
(ci/lib.sh), on a stand-in for the python:3.11-slim base (no registry is reachable here), runs
each image's own ENTRYPOINT and CMD as its own USER, and checks liveness, readiness, the
HEALTHCHECK, a non-root UID, no writes outside /tmp, no SQL driver in the product image, and
one order placed through the gateway container, signed in at the identity container. Minutes
and root: run with `pytest -m images` (make images).
"""

import os
import shutil
import subprocess

import pytest

from testkit.availability import require

from .images import SERVICES
from .paths import REPO

SCRIPT = REPO / "deploy" / "images" / "build-and-run.sh"


@pytest.mark.images
def test_every_image_builds_and_serves_as_non_root_with_a_read_only_friendly_root() -> None:
    require(os.geteuid() == 0, "building images with buildah (vfs or overlay) needs root")
    for command in ("buildah", "debootstrap"):
        require(shutil.which(command) is not None, f"{command} is not installed (apt)")
    result = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=3600, check=False
    )
    assert result.returncode == 0, result.stderr[-6000:]
    log = result.stderr
    for service in SERVICES:
        assert f"ok {service}: liveness and readiness 200, HEALTHCHECK passes" in log
    assert "ok product: no asyncmy, sqlalchemy or aiosqlite in the image" in log
    assert "ok trivy: no misconfiguration or secret in any image" in log
    assert "CONFIRMED through the gateway" in result.stdout
