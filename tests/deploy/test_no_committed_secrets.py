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
# Keys whose value names a Secret object, never holds one.
SECRET_OBJECT_NAMES = {"secretName"}
# A Compose variable with a default, ${VAR:-default}: it stands for its default.
COMPOSE_DEFAULT = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")


def names_a_place(key: str, value: str) -> bool:
    """A setting named like a credential whose value only says where one is: the file a
    *_FILE variable reads (mounted from a Secret), or an endpoint URL without userinfo."""
    if key.endswith("_FILE"):
        return value.startswith("/")
    if key.endswith("_URL"):
        value = COMPOSE_DEFAULT.sub(r"\1", value)
        return value.startswith(("http://", "https://")) and not URL_CREDENTIALS.search(value)
    return False


def committed(*pathspecs: str) -> list[Path]:
    """Files git would commit (tracked, or new and not ignored)."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *pathspecs],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # A tracked file deleted in the working tree is not committed any more.
    return [REPO / name for name in names if (REPO / name).exists()]


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
        secret_like = SECRET_KEY.search(key) and key not in SECRET_OBJECT_NAMES
        if secret_like and literal and not names_a_place(key, text):
            found.append(f"{where}.{key} = {text!r}")
        # An env entry named like a password carries no literal value.
        env_entry = key == "name" and where.endswith("]") and SECRET_KEY.search(text)
        entry = _lookup(document, where) if env_entry else {}
        if "value" in entry and not names_a_place(text, str(entry["value"])):
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
    CLIENT_SECRET_FILE: relative/so/not/a/mounted/file
    TOKEN_URL: "https://client:hunter2@idp.example.com/token"
"""
    assert len(problems(yaml.safe_load(leaky))) == 8


def test_the_scan_lets_pass_what_only_says_where_a_secret_is() -> None:
    references = """
spec:
  env:
    - {name: ORDER_CLIENT_SECRET_FILE, value: /var/run/secrets/shopstack/client/client-secret}
    - {name: GATEWAY_OIDC_CLIENT_SECRET_FILE, value: /var/run/secrets/shopstack/client/secret}
    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: mysql-credentials, key: PW}}}
  volumes:
    - {name: client-secret, secret: {secretName: identity-credentials}}
  environment:
    ORDER_TOKEN_URL: http://identity:8083/token
    AUTH_TOKEN_URL: ${REALM_URL:-http://keycloak:8080/realms/shop}/protocol/openid-connect/token
    ORDER_CLIENT_SECRET: ${ORDER_SERVICE_CLIENT_SECRET:?generate it into .env}
    GATEWAY_OIDC_CLIENT_SECRET: ${STOREFRONT_CLIENT_SECRET:?generate it into .env}
"""
    assert problems(yaml.safe_load(references)) == []


def _lookup(document: dict[str, Any], where: str) -> dict[str, Any]:
    node: Any = document
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", where):
        node = node[part[0]] if part[0] else node[int(part[1])]
    return node  # type: ignore[no-any-return]


EXAMPLES = [
    "deploy/compose/.env.example",
    "deploy/k8s/components/monitoring/secrets/slack.env.example",
    *[
        f"deploy/k8s/overlays/{overlay}/secrets/{name}.env.example"
        for overlay in ("microk8s", "aks")
        for name in ("mysql", "mongodb", "identity", "redis")
    ],
]


def test_every_committed_secret_example_is_checked() -> None:
    examples = {f.relative_to(REPO).as_posix() for f in committed("deploy")}
    assert {name for name in examples if name.endswith(".env.example")} >= set(EXAMPLES)
    assert {
        name for name in examples if "/secrets/" in name and name.startswith("deploy/k8s")
    } == set(EXAMPLES) - {"deploy/compose/.env.example"}


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_credentials_are_visibly_placeholders_or_empty(example: str) -> None:
    for line in (REPO / example).read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if SECRET_KEY.search(key):
            # Empty: the user generates it (compose refuses to start until then).
            assert value in ("change-me", "") or value.startswith("local_dev_only_"), line
        if key.endswith("CLIENT_SECRET"):
            # A client secret is never a shared development default.
            assert value in ("change-me", ""), line


@pytest.mark.parametrize("real_file", [example.removesuffix(".example") for example in EXAMPLES])
def test_the_real_credential_files_are_ignored_by_git(real_file: str) -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", real_file], cwd=REPO, check=False)
    assert ignored.returncode == 0, f"{real_file} would be committed"


# A variable Compose substitutes: ${NAME}, ${NAME:?…}, ${NAME:-…}.
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)")


def example_values(example: str) -> dict[str, str]:
    lines = (REPO / example).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_every_client_secret_compose_hands_out_is_generated_into_env() -> None:
    used = {
        name
        for path in committed("deploy/compose")
        if path.suffix in (".yaml", ".yml")
        for name in COMPOSE_VARIABLE.findall(path.read_text())
        if name.endswith("CLIENT_SECRET")
    }
    # The order service's, the smoke client's and the storefront's (the gateway's).
    assert {"ORDER_SERVICE_CLIENT_SECRET", "STOREFRONT_CLIENT_SECRET"} <= used
    committed_values = example_values("deploy/compose/.env.example")
    for name in used:
        # Listed, and empty: compose refuses to start until it is generated.
        assert committed_values.get(name) == "", name


def test_both_overlays_ask_for_the_same_client_secrets_all_generated() -> None:
    keys = {
        overlay: example_values(f"deploy/k8s/overlays/{overlay}/secrets/identity.env.example")
        for overlay in ("microk8s", "aks")
    }
    assert set(keys["microk8s"]) == set(keys["aks"])
    assert {"ORDER_SERVICE_CLIENT_SECRET", "STOREFRONT_CLIENT_SECRET"} <= set(keys["aks"])
    for values in keys.values():
        # Empty: ci/k8s-secrets.sh generates each one.
        assert set(values.values()) == {""}
