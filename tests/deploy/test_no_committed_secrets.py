"""No credential is committed: every one arrives from a git-ignored file at deploy time."""

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .paths import REPO

SECRET_KEY = re.compile(r"pass(word|wd)?|pwd|secret|token|api[_-]?key", re.IGNORECASE)
# user:password@ inside a URL
URL_CREDENTIALS = re.compile(r"://[^/:@\s]+:(\$\{[^}]*\}|[^@\s]+)@")
# A value that only refers to one supplied at run time.
REFERENCE = re.compile(r"^(\$\([A-Z_]+\)|\$\{[A-Z_]+(:?[?-][^}]*)?\})$")


def committed(*pathspecs: str) -> list[Path]:
    """Files git would commit (tracked, or new and not ignored)."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *pathspecs],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [REPO / name for name in names]


def committed_yaml() -> list[Path]:
    files = committed("deploy/k8s", "deploy/compose")
    return [f for f in files if f.suffix in (".yaml", ".yml")]


def scalars(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) for every scalar under a mapping key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from scalars(value, f"{path}.{key}")
            else:
                yield path, str(key), value
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from scalars(item, f"{path}[{index}]")


def test_the_scan_covers_every_manifest_and_the_compose_file() -> None:
    names = {f.relative_to(REPO).as_posix() for f in committed_yaml()}
    assert "deploy/compose/compose.yaml" in names
    assert "deploy/k8s/base/mysql/statefulset.yaml" in names
    assert len(names) > 40


def problems(document: Any) -> list[str]:
    """Every credential literal in one YAML document."""
    found: list[str] = []
    if not isinstance(document, dict):
        return found
    if document.get("kind") == "Secret" and (document.get("data") or document.get("stringData")):
        found.append("a Secret with data")
    for where, key, value in scalars(document):
        text = "" if value is None else str(value)
        literal = text and not isinstance(value, bool) and not REFERENCE.match(text)
        if SECRET_KEY.search(key) and literal:
            found.append(f"{where}.{key} = {text!r}")
        # An env entry named like a password carries no literal value.
        env_entry = key == "name" and where.endswith("]") and SECRET_KEY.search(text)
        if env_entry and "value" in _lookup(document, where):
            found.append(f"{where} {text} has a literal value")
        for password in URL_CREDENTIALS.findall(text):
            if not REFERENCE.match(password):
                found.append(f"{where}.{key} embeds a password in a URL")
    return found


@pytest.mark.parametrize("path", committed_yaml(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_committed_yaml_holds_a_secret_object_or_a_password_literal(path: Path) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        assert problems(document) == [], path


def test_the_scan_reports_each_kind_of_literal_credential() -> None:
    leaky = """
kind: Secret
stringData: {token: abc}
spec:
  env:
    - {name: DB_PASSWORD, value: hunter2}
    - {name: URL, value: "mysql://app:hunter2@db/x"}
  environment:
    MONGO_PASSWORD: hunter2
    SAFE_URL: "mongodb://app:${PASSWORD:?set in .env}@db/x"
"""
    assert len(problems(yaml.safe_load(leaky))) == 5


def _lookup(document: dict[str, Any], where: str) -> dict[str, Any]:
    node: Any = document
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", where):
        node = node[part[0]] if part[0] else node[int(part[1])]
    return node  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "example",
    [
        "deploy/compose/.env.example",
        "deploy/k8s/overlays/microk8s/secrets/mysql.env.example",
        "deploy/k8s/overlays/microk8s/secrets/mongodb.env.example",
        "deploy/k8s/overlays/aks/secrets/mysql.env.example",
        "deploy/k8s/overlays/aks/secrets/mongodb.env.example",
    ],
)
def test_example_credentials_are_visibly_placeholders(example: str) -> None:
    for line in (REPO / example).read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if SECRET_KEY.search(key):
            assert value == "change-me" or value.startswith("local_dev_only_"), line


@pytest.mark.parametrize(
    "real_file",
    [
        "deploy/compose/.env",
        "deploy/k8s/overlays/microk8s/secrets/mysql.env",
        "deploy/k8s/overlays/microk8s/secrets/mongodb.env",
        "deploy/k8s/overlays/aks/secrets/mysql.env",
        "deploy/k8s/overlays/aks/secrets/mongodb.env",
    ],
)
def test_the_real_credential_files_are_ignored_by_git(real_file: str) -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", real_file], cwd=REPO, check=False)
    assert ignored.returncode == 0, f"{real_file} would be committed"
