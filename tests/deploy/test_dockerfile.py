"""One parametrised Dockerfile makes every image; each service's build args make it that
service's image. (hadolint and checkov run on it in test_scanners; `make images` builds it.)"""

import re
import subprocess
import tomllib

import pytest

from .images import DOCKERFILE, SERVICES, build_args
from .paths import REPO

# ARG NAME or ARG NAME=default, in any stage.
ARGS = dict(re.findall(r"^ARG (\w+)(?:=(.*))?$", DOCKERFILE.read_text(), flags=re.MULTILINE))
# Set by every build with the build's own metadata (ci/image.sh, build-and-run.sh).
METADATA = {"VERSION", "REVISION", "SOURCE"}


def test_the_dockerfile_is_the_only_one_in_the_repository() -> None:
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = [
        name
        for name in files
        if re.search(r"(^|/)(Dockerfile|Containerfile)[^/]*$", name) and (REPO / name).exists()
    ]
    assert found == [str(DOCKERFILE.relative_to(REPO))]


@pytest.mark.parametrize("service", SERVICES)
def test_each_image_gives_every_build_arg_without_a_default_and_only_declared_ones(
    service: str,
) -> None:
    given = build_args(service)
    required = {name for name, default in ARGS.items() if not default} - METADATA
    assert required <= given.keys()
    assert given.keys() <= ARGS.keys() - METADATA
    assert all(given.values()), given


@pytest.mark.parametrize("service", SERVICES)
def test_each_image_installs_its_own_package_and_runs_its_module(service: str) -> None:
    given = build_args(service)
    project = REPO / given["PROJECT_DIR"]
    manifest = tomllib.loads((project / "pyproject.toml").read_text())
    assert manifest["project"]["name"] == given["PACKAGE"]
    assert (project / "src" / given["MODULE"] / "__main__.py").exists()
    assert given["TITLE"] == f"shopstack-{service}"


def test_the_catalog_image_is_built_without_the_sql_extra() -> None:
    # The catalog runs on MongoDB: no SQL driver in its image (build-and-run.sh checks it).
    assert ARGS["EXTRAS"] == '""'
    assert "EXTRAS" not in build_args("product")
