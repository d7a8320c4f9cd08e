"""renovate.json is valid Renovate configuration, and every pattern in it finds what it is for.

Renovate itself cannot run here (it needs the forge and the registries). Its schema can:
PyPI's check-jsonschema vendors SchemaStore's copy of Renovate's schema
(`--builtin-schema vendor.renovate`), read from the package, offline. That schema accepts
unknown options (no additionalProperties), so a test also checks every option name against it.
"""

import fnmatch
import json
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from testkit.availability import require

from .repository import REPO, committable_files

RENOVATE = REPO / "renovate.json"
CHECK_JSONSCHEMA = REPO / ".venv" / "bin" / "check-jsonschema"
# What must be kept up to date, by the manager that reads it.
MANAGERS = ["pep621", "dockerfile", "docker-compose", "kubernetes", "github-actions"]
# A version pinned by a variable: TRIVY_VERSION:-0.58.1 (ci/*.sh), UV_VERSION := 0.13.9 (Makefile).
PINNED_TOOL = re.compile(r"\b[A-Z_]+_VERSION(?::-| := )\d+\.\d+\.\d+")


def config() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(RENOVATE.read_text())
    return loaded


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    require(CHECK_JSONSCHEMA.exists(), "check-jsonschema is not installed in .venv (PyPI)")
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.renovate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def renovate_schema() -> dict[str, Any]:
    require(CHECK_JSONSCHEMA.exists(), "check-jsonschema is not installed in .venv (PyPI)")
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "renovate.json"
    loaded: dict[str, Any] = json.loads(vendored.read_text())
    return loaded


def manager_options(schema: dict[str, Any], manager: str) -> set[str]:
    """A manager's block ($ref "#") takes the top level's options and its own."""
    own = schema["definitions"][manager].get("allOf", [])
    return set(schema["properties"]) | {name for part in own for name in part.get("properties", {})}


def item_options(schema: dict[str, Any], definition: str) -> set[str]:
    """The options an item of a list-valued definition (packageRules, customManagers) takes."""
    items = schema["definitions"][definition]["items"]
    return {name for part in items["allOf"] for name in part.get("properties", {})}


def repository_files() -> list[str]:
    """What git would commit: tracked files and new ones it does not ignore."""
    return [name for name in committable_files() if (REPO / name).is_file()]


def file_pattern_matches(pattern: str, path: str) -> bool:
    """Renovate's managerFilePatterns: `/regex/` is a regular expression, anything else a glob."""
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        return re.search(pattern[1:-1], path) is not None
    return fnmatch.fnmatch(path, pattern)


def python_regex(javascript: str) -> re.Pattern[str]:
    """A Renovate (JavaScript) regex in Python: named groups are spelled (?P<name>...)."""
    return re.compile(re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", javascript))


def every_file_pattern(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = node.get("managerFilePatterns", [])
        return [*own, *(p for value in node.values() for p in every_file_pattern(value))]
    if isinstance(node, list):
        return [p for value in node for p in every_file_pattern(value)]
    return []


def locked_packages() -> set[str]:
    return set(re.findall(r'^name = "([^"]+)"$', (REPO / "uv.lock").read_text(), re.MULTILINE))


def test_renovate_config_is_valid_by_renovates_schema() -> None:
    result = check_jsonschema(RENOVATE)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_an_invalid_config(tmp_path: Path) -> None:
    invalid = tmp_path / "renovate.json"
    invalid.write_text(json.dumps({**config(), "automerge": "no", "schedule": 3}))

    result = check_jsonschema(invalid)

    assert result.returncode == 1
    assert "automerge" in result.stdout


def test_every_option_is_one_renovate_knows() -> None:
    schema = renovate_schema()
    top_level = set(schema["properties"]) | {"$schema"}
    rules = item_options(schema, "packageRules")
    custom = item_options(schema, "customManagers")
    settings = config()

    assert set(settings) <= top_level
    for manager in [*MANAGERS, "kustomize", "lockFileMaintenance"]:
        assert set(settings[manager]) <= manager_options(schema, manager), manager
    for rule in settings["packageRules"]:
        assert set(rule) <= rules, rule["description"]
    for manager in settings["customManagers"]:
        assert set(manager) <= custom, manager["description"]


def test_uv_lock_docker_images_and_actions_are_all_managed() -> None:
    settings = config()

    assert all(manager in settings for manager in MANAGERS)
    assert settings["lockFileMaintenance"]["enabled"] is True


def test_updates_come_weekly_and_never_merge_themselves() -> None:
    settings = config()

    assert settings["schedule"] == ["before 6am on monday"]
    assert settings["lockFileMaintenance"]["schedule"] == settings["schedule"]
    assert settings["automerge"] is False
    assert not [rule for rule in settings["packageRules"] if rule.get("automerge")]


@pytest.mark.parametrize("pattern", every_file_pattern(config()))
def test_every_file_pattern_matches_a_file_of_the_repository(pattern: str) -> None:
    assert [path for path in repository_files() if file_pattern_matches(pattern, path)], pattern


@pytest.mark.parametrize(
    "manager", config()["customManagers"], ids=lambda manager: manager["depNameTemplate"]
)
def test_every_custom_manager_finds_the_version_it_updates(manager: dict[str, Any]) -> None:
    files = [
        path
        for path in repository_files()
        if any(file_pattern_matches(p, path) for p in manager["managerFilePatterns"])
    ]
    for match_string in manager["matchStrings"]:
        found = [
            m.group("currentValue")
            for path in files
            for m in python_regex(match_string).finditer((REPO / path).read_text())
        ]
        assert found, match_string
        # Renovate moves every occurrence of one tool to one version: they agree today.
        assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in found), found
    versions = {
        m.group("currentValue")
        for path in files
        for match_string in manager["matchStrings"]
        for m in python_regex(match_string).finditer((REPO / path).read_text())
    }
    assert len(versions) == 1, versions


def test_every_tool_version_pinned_in_ci_and_the_makefile_has_a_custom_manager() -> None:
    patterns = [
        python_regex(match_string)
        for manager in config()["customManagers"]
        for match_string in manager["matchStrings"]
    ]
    for path in [*(REPO / "ci").glob("*.sh"), REPO / "Makefile"]:
        text = path.read_text()
        for pin in PINNED_TOOL.finditer(text):
            assert any(
                m.start() <= pin.end() and pin.start() <= m.end()
                for pattern in patterns
                for m in pattern.finditer(text)
            ), f"{pin.group()} in {path.relative_to(REPO)} has no custom manager in renovate.json"


def test_every_grouped_python_package_is_one_the_project_uses() -> None:
    custom = {manager["depNameTemplate"] for manager in config()["customManagers"]}
    used = locked_packages() | custom
    for rule in config()["packageRules"]:
        if rule.get("matchDatasources") != ["pypi"]:
            continue
        for name in rule["matchPackageNames"]:
            assert [package for package in used if fnmatch.fnmatch(package, name)], (
                f"{name} ({rule['groupName']}) is no dependency of the project"
            )
