"""The stage scripts run for real where this machine can (env-check, build, test), and as
--dry-run where it cannot (no Docker engine, registry or cluster here)."""

import os
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CI = REPO / "ci"
UV_DIRS = [REPO / ".tools" / "bin", Path("/tmp/uvboot/bin")]


def stage(
    script: str, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CI / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env=os.environ | (env or {}),
    )


def path_with_uv() -> str:
    found = [str(d) for d in UV_DIRS if (d / "uv").exists()]
    assert found, "uv is bootstrapped into .tools/bin by `make sync`"
    return os.pathsep.join([*found, os.environ["PATH"]])


def test_env_check_passes_when_every_tool_is_there() -> None:
    result = stage("env-check.sh", "--need", "python,uv", env={"PATH": path_with_uv()})

    assert result.returncode == 0, result.stderr
    assert "ok      uv: uv " in result.stderr
    assert "ok      disk:" in result.stderr


def test_env_check_names_each_missing_tool_and_how_to_get_it(tmp_path: Path) -> None:
    # A PATH with only python: the other tools are missing.
    (tmp_path / "python3.11").symlink_to(Path(os.path.realpath("/usr/bin/python3")))
    for tool in ("bash", "head", "df", "tail", "basename", "dirname", "git", "sed"):
        (tmp_path / tool).symlink_to(
            f"/usr/bin/{tool}" if Path(f"/usr/bin/{tool}").exists() else f"/bin/{tool}"
        )

    result = stage("env-check.sh", "--need", "python,uv,kubectl", env={"PATH": str(tmp_path)})

    assert result.returncode == 1
    assert "MISSING uv — uv: pip install uv" in result.stderr
    assert "MISSING kubectl — kubectl:" in result.stderr
    assert "2 requirement(s) missing" in result.stderr


def test_env_check_fails_when_the_disk_is_too_full() -> None:
    result = stage(
        "env-check.sh", "--need", "python", "--min-free-gb", "999999", env={"PATH": path_with_uv()}
    )

    assert result.returncode == 1
    assert "MISSING disk space" in result.stderr


def test_build_installs_from_the_lock_and_builds_a_wheel_and_sdist_per_package(
    tmp_path: Path,
) -> None:
    result = stage("build.sh", "--out", str(tmp_path), env={"PATH": path_with_uv()})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "sync --locked --all-packages" in result.stdout
    built = {p.name for p in tmp_path.iterdir()}
    for package in ("product_service", "inventory_service", "order_service", "web_gateway"):
        assert any(name.startswith(package) and name.endswith(".whl") for name in built), built
        assert any(name.startswith(package) and name.endswith(".tar.gz") for name in built), built


def test_the_test_stage_writes_junit_and_coverage_reports(tmp_path: Path) -> None:
    result = stage(
        "test.sh",
        "--service",
        "inventory",
        "--unit",
        "--floor",
        "0",
        env={"REPORTS_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    junit = ElementTree.parse(tmp_path / "junit-inventory.xml").getroot()
    suite = junit if junit.tag == "testsuite" else junit[0]
    assert int(suite.get("tests", "0")) > 0
    assert int(suite.get("failures", "1")) == 0
    coverage = ElementTree.parse(tmp_path / "coverage-inventory.xml").getroot()
    assert 0 < float(coverage.get("line-rate", "0")) <= 1


def test_the_coverage_floor_fails_the_test_stage(tmp_path: Path) -> None:
    result = stage(
        "test.sh",
        "--service",
        "inventory",
        "--unit",
        "--floor",
        "100",
        env={"REPORTS_DIR": str(tmp_path)},
    )

    assert result.returncode != 0
    assert (
        "fail-under" in result.stdout.lower() or "required test coverage" in result.stdout.lower()
    )


def test_the_image_stage_builds_and_pushes_every_service_with_three_tags() -> None:
    result = stage(
        "image.sh",
        "--dry-run",
        env={"BUILD_NUMBER": "42", "GIT_SHA": "abc123def456", "REGISTRY": "localhost:32000"},
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Each printed command is quoted so that it can be pasted into a shell: read it as one.
    commands = [shlex.split(line.removeprefix("+ ")) for line in lines]
    for service, package, project, module, port, description in (
        ("product", "product-service", "services/product", "product_service", 8080,
         "shopstack product catalog service"),
        ("inventory", "inventory-service", "services/inventory", "inventory_service", 8081,
         "shopstack inventory service"),
        ("order", "order-service", "services/order", "order_service", 8082,
         "shopstack order service"),
        ("gateway", "web-gateway", "web", "gateway", 8000,
         "shopstack storefront and API gateway"),
    ):  # fmt: skip
        image = f"localhost:32000/{service}"
        assert [
            *("docker", "build", "--file", "deploy/images/Dockerfile"),
            *("--build-arg", f"PACKAGE={package}", "--build-arg", f"PROJECT_DIR={project}"),
            *("--build-arg", f"MODULE={module}", "--build-arg", f"PORT={port}"),
            *("--build-arg", f"TITLE=shopstack-{service}"),
            *("--build-arg", f"DESCRIPTION={description}"),
            *("--build-arg", "VERSION=42", "--build-arg", "REVISION=abc123def456"),
            *("--tag", f"{image}:42", "--tag", f"{image}:abc123def456", "--tag", f"{image}:latest"),
            ".",
        ] in commands
        for tag in ("42", "abc123def456", "latest"):
            assert f"+ docker push {image}:{tag}" in lines


def test_the_scan_stage_reports_every_image_then_gates_on_high_and_critical() -> None:
    result = stage("scan.sh", "--dry-run", env={"BUILD_NUMBER": "42", "TRIVY_OFFLINE": "true"})

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "+ trivy config --skip-check-update --exit-code 1" in out
    for service in ("product", "inventory", "order", "gateway"):
        assert (
            f"--format json --output {REPO}/reports/trivy-{service}.json "
            f"localhost:32000/{service}:42" in out
        )
        assert (
            f"image --skip-check-update --skip-db-update --exit-code 1 --severity HIGH,CRITICAL "
            f"--ignore-unfixed localhost:32000/{service}:42" in out
        )


def test_the_verify_stage_runs_smoke_against_the_given_gateway() -> None:
    result = stage("verify.sh", "--base-url", "http://127.0.0.1:9", "--timeout", "2")

    assert result.returncode == 1
    assert "shopstack smoke --base-url http://127.0.0.1:9" in result.stdout
    assert "FAIL  gateway:" in result.stdout


@pytest.fixture
def stand_in_tools(tmp_path: Path) -> Path:
    """Stand-ins for the Docker client and kubectl, which need an engine or a cluster that
    this machine lacks: they record each call and answer as a failing cluster would."""
    calls = tmp_path / "calls.log"
    (tmp_path / "docker").write_text(
        "#!/usr/bin/env bash\n"
        f'echo "docker $*" >> {calls}\n'
        'if [[ "$1 $2" == "image ls" ]]; then printf "%s\\n" 1 2 3 4 5 6 7 latest abc123; fi\n'
    )
    (tmp_path / "kubectl").write_text(
        "#!/usr/bin/env bash\n"
        f'echo "kubectl $*" >> {calls}\n'
        'if [[ "$1" == kustomize ]]; then\n'
        '  exec /usr/lib/google-cloud-sdk/bin/kubectl.1.29 "$@"\n'
        "fi\n"
        'if [[ "$1 $2" == "rollout status" && "$3" == deployment/order ]]; then exit 1; fi\n'
    )
    for tool in ("docker", "kubectl"):
        (tmp_path / tool).chmod(0o755)
    return tmp_path


def test_cleanup_keeps_the_newest_builds_of_each_image(stand_in_tools: Path) -> None:
    result = stage(
        "cleanup.sh",
        "--keep",
        "5",
        env={"PATH": f"{stand_in_tools}{os.pathsep}{os.environ['PATH']}"},
    )

    assert result.returncode == 0, result.stderr
    removed = [
        line for line in (stand_in_tools / "calls.log").read_text().splitlines() if " rm " in line
    ]
    assert removed == [
        f"docker image rm localhost:32000/{service}:{tag}"
        for service in ("product", "inventory", "order", "identity", "gateway")
        for tag in ("2", "1")
    ]


def test_deploy_pins_the_build_tag_and_rolls_back_a_failed_rollout(
    stand_in_tools: Path, stand_in_cosign: Path, tmp_path: Path
) -> None:
    k8s = tmp_path / "k8s"
    shutil.copytree(REPO / "deploy" / "k8s", k8s)
    for example in k8s.glob("overlays/*/secrets/*.env.example"):
        shutil.copy(example, example.with_suffix(""))

    result = stage(
        "deploy.sh",
        "--overlay",
        "microk8s",
        "--tag",
        "42",
        env={
            "PATH": os.pathsep.join(
                [str(stand_in_tools), str(stand_in_cosign), os.environ["PATH"]]
            ),
            "K8S_DIR": str(k8s),
            "COSIGN_PUBLIC_KEY": str(tmp_path / "cosign.pub"),
        },
    )

    calls = (stand_in_tools / "calls.log").read_text()
    assert result.returncode == 1
    assert "rollout failed for order; rolled back" in result.stderr
    assert "kubectl rollout undo deployment/order --namespace shopstack" in calls
    assert "rollout undo deployment/product" not in calls
    assert "kubectl apply --namespace shopstack -f" in calls
    assert "image: localhost:32000/order:42" in result.stdout
    assert "image: localhost:32000/order:42" in result.stdout


def test_the_scan_stage_runs_trivys_configuration_scan_for_real(tmp_path: Path) -> None:
    trivy = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "trivy"

    result = stage(
        "scan.sh",
        "--config-only",
        env={"TRIVY": str(trivy), "TRIVY_OFFLINE": "true", "REPORTS_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dockerfile" in result.stdout
    assert "kubernetes" in result.stdout
