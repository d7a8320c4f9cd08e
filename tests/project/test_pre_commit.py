"""pre-commit runs `make lint`'s checks and the file linters, all local, and passes on the tree.

The hooks run for real in a throwaway git repository holding a copy of the working tree (what
git would commit: tracked and new, not ignored files). Not in the repository itself: pre-commit
only sees what git tracks, so a file not yet added would go unchecked, and a run there may
stash or touch what others are editing. Not in a `git clone` of HEAD: that would miss every
uncommitted change. The copy uses the project's venv through a `.venv` symlink, so every tool
is uv.lock's; import-linter imports the installed (editable) packages, the same sources.
"""

import os
import secrets
import shlex
import shutil
import string
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from testkit.availability import require

from .repository import REPO, committable_files

CONFIG = REPO / ".pre-commit-config.yaml"
VENV_BIN = REPO / ".venv" / "bin"
# The hooks that are `make lint`, in the recipe's order.
MAKE_LINT_HOOKS = ["ruff-check", "ruff-format", "mypy", "lint-imports"]


def hooks() -> list[dict[str, Any]]:
    config = yaml.safe_load(CONFIG.read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def hook(hook_id: str) -> dict[str, Any]:
    return next(h for h in hooks() if h["id"] == hook_id)


def command_of(hook: dict[str, Any]) -> list[str]:
    return [*shlex.split(hook["entry"]), *hook.get("args", [])]


def make_lint_commands() -> list[list[str]]:
    """`make lint`'s commands as make itself expands them (TYPED_SOURCES' wildcard included),
    without running them or the environment sync the target depends on."""
    make = shutil.which("make")
    require(make is not None, "make is not installed")
    assert make is not None
    result = subprocess.run(
        [make, "--no-print-directory", "-n", "-o", "sync", "-o", ".venv/.synced", "lint"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return [shlex.split(line) for line in result.stdout.splitlines() if line.strip()]


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = VENV_BIN / "pre-commit"
    require(binary.exists(), "pre-commit is not installed in .venv (PyPI pre-commit)")
    # SKIP would silently turn hooks off; PRE_COMMIT_HOME keeps pre-commit's store out of ~.
    env = {k: v for k, v in os.environ.items() if k != "SKIP" and not k.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(repo.parent / "pre-commit-home")
    return subprocess.run(
        [str(binary), "run", "--color", "never", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def git_repository(root: Path, files: dict[str, Path | str]) -> Path:
    """A git repository at root with these files (a source path to copy, or a text) and the
    project's venv linked in as `.venv`, everything staged."""
    require(shutil.which("git") is not None, "git is not installed")
    root.mkdir()
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    (root / ".git" / "info" / "exclude").write_text(".venv\n")
    (root / ".venv").symlink_to(REPO / ".venv")
    for name, source in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, str):
            target.write_text(source)
        elif source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    subprocess.run(["git", "add", "--all"], cwd=root, check=True)
    return root


def working_tree_files() -> dict[str, Path | str]:
    listed = committable_files()
    # A tracked file deleted in the working tree is not part of it.
    return {
        name: REPO / name
        for name in listed
        if ((REPO / name).is_file() or (REPO / name).is_symlink())
    }


def test_every_hook_is_local_and_runs_a_tool_of_the_projects_venv() -> None:
    config = yaml.safe_load(CONFIG.read_text())

    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    for each in hooks():
        assert each["language"] == "system", each["id"]
        tool = command_of(each)[0]
        assert tool.startswith(".venv/bin/"), each["id"]
        assert (REPO / tool).exists(), f"{tool} is not installed (hook {each['id']})"


def test_the_lint_hooks_run_exactly_what_make_lint_runs() -> None:
    lint_hooks = [hook(hook_id) for hook_id in MAKE_LINT_HOOKS]

    assert [command_of(h) for h in lint_hooks] == make_lint_commands()
    # Files appended by pre-commit would change the command; make lint checks the whole tree.
    assert all(h["pass_filenames"] is False and h["always_run"] is True for h in lint_hooks)


def test_the_secret_scan_skips_every_directory_git_ignores() -> None:
    command = command_of(hook("secrets"))
    skipped = {command[i + 1] for i, arg in enumerate(command) if arg == "--skip-dirs"}
    ignored_dirs = {
        line.strip().rstrip("/")
        for line in (REPO / ".gitignore").read_text().splitlines()
        if line.strip().endswith("/")
        and not any(c in line for c in "*?[")
        # Trivy skips no directory by basename; a bytecode cache holds no source to scan.
        and line.strip() != "__pycache__/"
    }

    assert ignored_dirs <= skipped
    assert ".git" in skipped


def test_pre_commit_passes_on_every_file_of_the_working_tree(tmp_path: Path) -> None:
    copy = git_repository(tmp_path / "tree", working_tree_files())

    result = pre_commit(copy, "--all-files", "--show-diff-on-failure")

    assert result.returncode == 0, result.stdout + result.stderr
    for each in hooks():
        assert f"{each['name']}." in result.stdout, f"hook {each['id']} did not run"


@pytest.mark.parametrize(
    ("hook_id", "name", "text"),
    [
        ("shellcheck", "ci/broken.sh", "#!/usr/bin/env bash\nrm -rf $1/tmp\n"),
        ("hadolint", "deploy/images/Dockerfile", "FROM python\nRUN cd /tmp && ls\n"),
        ("actionlint", ".github/workflows/broken.yml", "on: push\njobs:\n  x:\n    steps: []\n"),
        ("yamllint", "deploy/broken.yaml", "key: one\nkey: two\n"),
    ],
)
def test_a_broken_file_fails_its_hook(tmp_path: Path, hook_id: str, name: str, text: str) -> None:
    repo = git_repository(tmp_path / "repo", {".pre-commit-config.yaml": CONFIG, name: text})

    result = pre_commit(repo, hook_id, "--files", name)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout


def test_a_committed_token_fails_the_secret_scan_and_is_not_printed(tmp_path: Path) -> None:
    # A GitHub token's shape, generated so that no token-like string is committed here.
    token = "ghp_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in "x" * 36)
    repo = git_repository(
        tmp_path / "repo",
        {".pre-commit-config.yaml": CONFIG, "app/settings.py": f'GITHUB_TOKEN = "{token}"\n'},
    )

    result = pre_commit(repo, "secrets", "--all-files")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "app/settings.py" in result.stdout
    assert token not in result.stdout + result.stderr
