"""The images as the pipeline builds them: the one Dockerfile, and each service's build args
as ci/lib.sh gives them (ci/image.sh and deploy/images/build-and-run.sh build with those)."""

import subprocess

from .paths import REPO

DOCKERFILE = REPO / "deploy" / "images" / "Dockerfile"
SERVICES = ("product", "inventory", "order", "identity", "gateway")


def build_args(service: str) -> dict[str, str]:
    """The --build-arg values of `service`'s image, from ci/lib.sh's build_args_of."""
    lines = subprocess.run(
        ["bash", "-c", 'source ci/lib.sh && build_args_of "$1"', "build_args", service],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    flags, values = lines[0::2], lines[1::2]
    assert set(flags) == {"--build-arg"}, lines
    return dict(value.split("=", 1) for value in values)
