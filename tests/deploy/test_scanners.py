"""The real linters and policy scanners pass on every deploy artefact.

checkov (the Dockerfile, the Kustomize overlays, their renderings, and its secrets scanner on
everything committed under deploy/), Trivy's misconfiguration scan at the pipeline's gate
(HIGH and CRITICAL), hadolint, shellcheck, and Compose v2's own `config`.
checkov has no Docker Compose framework: the compose file gets Compose's `config -q` and
checkov's secrets scan.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .compose_env import COMPOSE, env_file
from .images import DOCKERFILE
from .paths import KUBECTL, REPO, compose_binary, tool

SHELL_SCRIPTS = [
    REPO / "deploy" / "images" / "build-and-run.sh",
    REPO / "deploy" / "k8s" / "base" / "mysql" / "init" / "01-databases.sh",
    REPO / "deploy" / "k8s" / "base" / "mongodb" / "init" / "01-users.sh",
    REPO / "deploy" / "k8s" / "base" / "backup" / "scripts" / "mysql-backup.sh",
    REPO / "deploy" / "k8s" / "base" / "backup" / "scripts" / "mongodb-backup.sh",
]
# What this suite covers, as git pathspecs (deploy/images holds the Dockerfile).
DEPLOY_PATHS = [
    "deploy/compose",
    "deploy/k8s",
    "deploy/images",
    "deploy/terraform",
    ".dockerignore",
]
# Every check skipped anywhere, each justified in one line where it is skipped.
ALLOWED_SKIPS = {"CKV_K8S_35", "CKV_K8S_40", "CKV_K8S_43"}


def checkov(*args: str, env: dict[str, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """checkov's passed and skipped checks; any failed check fails the test.

    Not `--quiet`: its JSON lists only the failed checks, so the skipped ones (and their
    justifications) would never be seen.
    """
    result = subprocess.run(
        [tool("checkov"), "--output", "json", "--compact", *args],
        capture_output=True,
        text=True,
        # Without it checkov tries to fetch a mapping from its SaaS and prints a traceback.
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", **(env or {})},
        check=False,
    )
    report = json.loads(result.stdout) if result.stdout.strip() else []
    reports = report if isinstance(report, list) else [report]
    checks = {
        outcome: [c for r in reports for c in r.get("results", {}).get(f"{outcome}_checks", [])]
        for outcome in ("passed", "failed", "skipped")
    }
    assert checks["failed"] == [], "\n".join(
        f"{c['check_id']} {c['check_name']}: {c.get('resource')} in {c.get('file_path')}"
        for c in checks["failed"]
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Every check the summary counts is listed. (With nothing to scan, e.g. no secret found,
    # checkov prints only the summary: then it is the report itself.)
    for outcome, listed in checks.items():
        counted = sum(r.get("summary", r).get(outcome, 0) for r in reports)
        assert len(listed) == counted, (outcome, len(listed), counted)
    return {"passed": checks["passed"], "skipped": checks["skipped"]}


def assert_skips_are_justified(skipped: list[dict[str, Any]]) -> None:
    for check in skipped:
        assert check["check_id"] in ALLOWED_SKIPS, check["check_id"]
        assert len(check["check_result"].get("suppress_comment", "")) > 20, check["check_id"]


# deploy/terraform's skips (each justified by a #checkov:skip comment on its resource): what a
# private network, customer-managed keys or a registered subscription feature would change.
TERRAFORM_ALLOWED_SKIPS = {
    "CKV_AZURE_6",  # authorized IP ranges from a required variable checkov cannot resolve
    "CKV_AZURE_93",  # customer-managed disk keys
    "CKV_AZURE_115",  # private cluster
    "CKV_AZURE_117",  # disk encryption set
    "CKV_AZURE_119",  # the single VM's public address
    "CKV_AZURE_139",  # ACR private endpoint
    "CKV_AZURE_160",  # port 80 from the Internet (ACME, redirect)
    "CKV_AZURE_164",  # Docker Content Trust (cosign instead)
    "CKV_AZURE_165",  # ACR geo-replication
    "CKV_AZURE_166",  # ACR quarantine
    "CKV_AZURE_189",  # Key Vault public endpoint (firewalled)
    "CKV_AZURE_226",  # ephemeral OS disks
    "CKV_AZURE_227",  # encryption at host
    "CKV2_AZURE_32",  # Key Vault private endpoint
}


def test_hadolint_passes_on_the_dockerfile() -> None:
    result = subprocess.run(
        [tool("hadolint"), str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_passes_on_the_dockerfile() -> None:
    report = checkov("--framework", "dockerfile", f"--file={DOCKERFILE}")
    assert report["passed"]
    assert report["skipped"] == []


def test_checkov_passes_on_the_rendered_manifests(rendered_dir: Path) -> None:
    report = checkov("--framework", "kubernetes", "--directory", str(rendered_dir))
    assert report["passed"]
    assert_skips_are_justified(report["skipped"])


@pytest.mark.parametrize("overlay", ["microk8s", "aks"])
def test_checkov_passes_on_each_kustomize_overlay(
    k8s_copy: Path, tmp_path: Path, overlay: str
) -> None:
    # checkov's kustomize framework runs `kubectl kustomize` itself: give it the 1.29 one.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").symlink_to(KUBECTL)
    report = checkov(
        "--framework",
        "kustomize",
        "--directory",
        str(k8s_copy / "overlays" / overlay),
        env={"PATH": f"{bin_dir}:{os.environ['PATH']}"},
    )
    assert report["passed"]
    assert_skips_are_justified(report["skipped"])


def test_checkov_passes_on_the_terraform_roots_and_modules() -> None:
    report = checkov("--framework", "terraform", "--directory", str(REPO / "deploy" / "terraform"))
    # The module's resources are scanned through both roots, the roots' own ones once.
    resources = {check["resource"] for check in report["passed"]}
    assert {"azurerm_kubernetes_cluster.this", "azurerm_linux_virtual_machine.this"} <= resources
    assert any(name.startswith("module.network.") for name in resources)
    for check in report["skipped"]:
        assert check["check_id"] in TERRAFORM_ALLOWED_SKIPS, check["check_id"]
        assert len(check["check_result"].get("suppress_comment", "")) > 20, check["check_id"]


def test_checkov_finds_no_secret_in_any_committed_deploy_file(tmp_path: Path) -> None:
    # deploy/monitoring has its own owner and tests.
    committed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *DEPLOY_PATHS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # The secrets scanner looks only at some file types (not .sh, .env, *.example, dotfiles),
    # but reads YAML line by line: every committed file is scanned as a copy named *.yaml (a
    # tracked file deleted in the working tree is no longer committed).
    for index, name in enumerate(name for name in committed if (REPO / name).exists()):
        shutil.copy(REPO / name, tmp_path / f"{index}-{Path(name).name.lstrip('.')}.yaml")
    report = checkov("--framework", "secrets", "--directory", str(tmp_path))
    assert report["skipped"] == []


def test_checkovs_secrets_scan_catches_a_password_in_a_shell_script(tmp_path: Path) -> None:
    """The control for the test above: the same scan does fail on a real-looking password."""
    (tmp_path / "leak.sh.yaml").write_text('export MYSQL_PWD="s8Kd92jdLq0xPz7Vb3nR5tYw1"\n')
    with pytest.raises(AssertionError, match="CKV_SECRET"):
        checkov("--framework", "secrets", "--directory", str(tmp_path))


def trivy_config(target: Path) -> subprocess.CompletedProcess[str]:
    """The pipeline's gate (ci/scan.sh): Trivy's misconfiguration scan, failing on HIGH and
    CRITICAL, with the checks bundled in the binary (no update can be fetched here)."""
    return subprocess.run(
        [
            tool("trivy"),
            "config",
            "--skip-check-update",
            "--exit-code",
            "1",
            "--severity",
            "HIGH,CRITICAL",
            "--quiet",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_trivy_finds_no_high_or_critical_misconfiguration_in_the_renderings_or_deploy_files(
    rendered_dir: Path,
) -> None:
    for target in (rendered_dir, REPO / "deploy"):
        result = trivy_config(target)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_trivys_config_scan_catches_a_privileged_container(tmp_path: Path) -> None:
    """The control for the test above: the same scan fails on a privileged container."""
    (tmp_path / "privileged.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "x"},
                "spec": {
                    "containers": [
                        {"name": "x", "image": "x:1", "securityContext": {"privileged": True}}
                    ]
                },
            }
        )
    )
    result = trivy_config(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr


def test_shellcheck_passes_on_every_deploy_script() -> None:
    result = subprocess.run(
        [tool("shellcheck"), *map(str, SHELL_SCRIPTS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_compose_v2_accepts_the_compose_file_with_the_example_env_and_generated_secrets(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [
            compose_binary(),
            "-f",
            str(COMPOSE),
            "--env-file",
            str(env_file(tmp_path)),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_credentials(tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = subprocess.run(
        [compose_binary(), "-f", str(COMPOSE), "--env-file", str(empty), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    # Whichever variable Compose meets first (its order varies): a password, or a credential
    # to generate.
    assert re.search(r"is missing a value: (set in|generate it into) \.env", result.stderr)
