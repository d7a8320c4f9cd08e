"""The Jenkinsfile and the GitHub workflow: valid for their real tools, and thin."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from testkit.availability import require

REPO = Path(__file__).resolve().parents[2]
JENKINSFILE = REPO / "Jenkinsfile"
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
RELEASE_WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
BIN = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin"
SEED_STAGES = [
    "Start",
    "Environment check",
    "Build",
    "Test",
    "Image build and push",
    "Trivy scan",
    "Release",
    "Kubernetes deploy",
    "Health validation",
    "Cleanup",
]
JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"


def test_every_stage_script_passes_shellcheck() -> None:
    scripts = sorted(str(p) for p in (REPO / "ci").glob("*.sh"))

    result = subprocess.run(
        [str(BIN / "shellcheck"), *scripts], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout
    assert len(scripts) >= 9


def test_every_workflow_passes_actionlint() -> None:
    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))

    result = subprocess.run(
        [str(BIN / "actionlint"), *map(str, workflows)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert {WORKFLOW, RELEASE_WORKFLOW} <= set(workflows)


def test_the_jenkinsfile_parses_with_a_real_groovy_parser(tmp_path: Path) -> None:
    groovy = shutil.which("groovy")
    require(groovy is not None, "groovy is not installed (Debian package groovy)")
    assert groovy is not None
    parse = tmp_path / "parse.groovy"
    parse.write_text("new GroovyShell().parse(new File(args[0]))\nprintln 'parsed'\n")

    result = subprocess.run(
        [groovy, str(parse), str(JENKINSFILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ | {"JAVA_HOME": JAVA_HOME},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "parsed" in result.stdout


def test_the_jenkinsfile_runs_the_nine_seed_stages_in_order() -> None:
    text = JENKINSFILE.read_text()
    stages_block = text[text.index("    stages {") : text.index("    post {")]

    top_level = re.findall(r"^        stage\('([^']+)'\)", stages_block, flags=re.MULTILINE)

    assert top_level == SEED_STAGES
    for parallel_stage in ("Build", "Test"):
        block = stages_block[stages_block.index(f"stage('{parallel_stage}')") :]
        block = block[: block.index("\n        }\n")]
        assert "parallel {" in block
        branches = re.findall(r"stage\('(\w+)'\) \{ steps", block)
        assert branches == ["product", "inventory", "order", "identity"]


def test_the_jenkinsfile_only_calls_stage_scripts() -> None:
    commands = re.findall(r"""\bsh\s+(?:script:\s*)?["']([^"']+)["']""", JENKINSFILE.read_text())

    scripts = [c for c in commands if not c.startswith("git rev-parse")]
    assert scripts
    assert all(command.startswith("ci/") for command in scripts), scripts
    for command in scripts:
        assert (REPO / command.split()[0]).exists(), command


def test_the_jenkinsfile_keeps_credentials_inside_with_credentials() -> None:
    text = JENKINSFILE.read_text()

    assert "credentialsId" in text
    for line in text.splitlines():
        if "credentialsId" in line:
            assert any(
                binding in line
                for binding in ("withCredentials", "usernamePassword", "file(", "string(")
            ), line
    assert not re.search(r"(password|token|secret)\s*=\s*['\"]\w", text, flags=re.IGNORECASE)
    for needed in (
        "disableConcurrentBuilds()",
        "timeout(",
        "githubPush()",
        "junit ",
        "archiveArtifacts",
    ):
        assert needed in text


@pytest.mark.parametrize("path", [WORKFLOW, RELEASE_WORKFLOW], ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_sha(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())

    uses = [
        step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step
    ]
    assert uses
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", use) for use in uses), uses


def test_the_ci_workflows_permissions_are_least_privilege() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())

    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["environment"] == "production"
    assert "mariadb" in workflow["jobs"]["test"]["services"]


def test_the_workflow_calls_the_same_stage_scripts() -> None:
    text = WORKFLOW.read_text()

    for script in ("env-check", "build", "test", "image", "scan", "deploy", "verify", "cleanup"):
        assert f"ci/{script}.sh" in text, script


def test_a_pushed_v_tag_runs_the_release_script_with_keyless_signing() -> None:
    workflow = yaml.safe_load(RELEASE_WORKFLOW.read_text())
    # PyYAML reads the key `on` as True (YAML 1.1).
    trigger = workflow.get("on", workflow.get(True))

    assert trigger == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "id-token": "write"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert (
        'ci/release.sh --tag "$GITHUB_REF_NAME" --signing keyless --builder buildx --publish github'
        in runs
    )
    assert "ci/install-trivy.sh" in runs
    assert "ci/install-cosign.sh" in runs
    assert "qemu-user-static" in runs


def test_the_jenkinsfile_releases_a_tag_with_the_signing_key_from_its_credentials() -> None:
    text = JENKINSFILE.read_text()
    release = text[text.index("stage('Release')") : text.index("stage('Kubernetes deploy')")]
    deploy = text[
        text.index("stage('Kubernetes deploy')") : text.index("stage('Health validation')")
    ]

    assert "when { buildingTag() }" in release
    assert "file(credentialsId: 'shopstack-cosign-key', variable: 'COSIGN_KEY')" in release
    assert "ci/release.sh --tag ${env.TAG_NAME} --signing key" in release
    assert "ci/sign.sh --signing key" in text
    assert "variable: 'COSIGN_PUBLIC_KEY'" in deploy
