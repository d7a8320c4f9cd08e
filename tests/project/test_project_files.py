"""The files a newcomer looks for exist and say what the repository really does."""

import configparser
import fnmatch
import hashlib
import re
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONTRIBUTING = REPO / "CONTRIBUTING.md"
CHANGELOG = REPO / "CHANGELOG.md"

# SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt (also Debian's
# /usr/share/common-licenses/Apache-2.0), whose appendix line we fill in.
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
APPENDIX_PLACEHOLDER = "Copyright [yyyy] [name of copyright owner]"
COPYRIGHT = "Copyright 2026 The shopstack authors"

# Created by `make sync`, `make up` or a test run, so never in a clean clone.
GENERATED_DIRS = {".venv", ".tools", ".data", "reports", "dist"}
KEEP_A_CHANGELOG_TYPES = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def code_in(markdown: str) -> list[str]:
    """Fenced blocks and inline code spans: the commands and paths a reader copies."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return fenced + re.findall(r"`([^`\n]+)`", prose)


def make_commands(markdown: str) -> set[str]:
    return {
        target
        for code in code_in(markdown)
        for target in re.findall(r"(?:^|[\s;&|(])make ([a-z][\w-]*)", code, flags=re.MULTILINE)
    }


def makefile_targets() -> set[str]:
    rules = re.findall(r"^([A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*)*):(?!=)", _read("Makefile"), re.M)
    return {target for rule in rules for target in rule.split()}


def named_paths(markdown: str) -> set[str]:
    """Relative link targets, and every slash-separated path in code."""
    links = {
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", markdown)
        if not re.match(r"[a-z][a-z+.-]*:|#", target)
    }
    in_code = {
        word.rstrip("/")
        for code in code_in(markdown)
        for word in code.split()
        if "/" in word and re.fullmatch(r"\.?[\w-][\w.-]*(?:/[\w.-]+)+/?", word)
    }
    return links | in_code


def _read(name: str) -> str:
    return (REPO / name).read_text()


@pytest.mark.parametrize(
    "name",
    [
        "LICENSE",
        "CONTRIBUTING.md",
        "SECURITY.md",
        "CHANGELOG.md",
        ".editorconfig",
        ".github/CODEOWNERS",
    ],
)
def test_the_file_a_newcomer_looks_for_exists_and_says_something(name: str) -> None:
    assert (REPO / name).is_file()
    assert _read(name).strip()


def test_the_license_is_the_apache_2_text_with_the_projects_copyright() -> None:
    text = _read("LICENSE")

    assert text.count(COPYRIGHT) == 1
    standard = text.replace(COPYRIGHT, APPENDIX_PLACEHOLDER).encode()
    assert hashlib.sha256(standard).hexdigest() == APACHE_2_SHA256


def test_every_make_command_contributing_mentions_is_a_makefile_target() -> None:
    mentioned = make_commands(CONTRIBUTING.read_text())

    assert {"up", "test", "lint"} <= mentioned
    assert mentioned - makefile_targets() == set()


def test_every_path_contributing_names_exists() -> None:
    paths = named_paths(CONTRIBUTING.read_text())
    checked = {path for path in paths if path.split("/")[0] not in GENERATED_DIRS}

    assert "services/order" in checked
    assert sorted(path for path in checked if not (REPO / path).exists()) == []


def test_every_venv_tool_contributing_names_is_installed_by_make_sync() -> None:
    tools = {
        path.removeprefix(".venv/bin/")
        for path in named_paths(CONTRIBUTING.read_text())
        if path.startswith(".venv/bin/")
    }
    installed = {script.name for script in entry_points(group="console_scripts")}

    assert "pytest" in tools
    assert sorted(tools - installed) == []


def test_contributing_lists_the_checks_ci_runs_in_their_order() -> None:
    section = CONTRIBUTING.read_text().split("## How CI judges a change", 1)[1].split("\n## ")[0]
    listed = re.findall(r"^\d+\. `([^`]+)`", section, flags=re.MULTILINE)
    # .ci/run's checks are its unindented make and venv-tool commands; the rest installs.
    run = re.findall(r"^((?:make|\.venv/bin/\S+) .*)$", _read(".ci/run"), flags=re.MULTILINE)

    assert "make test" in run
    assert listed == run


def test_the_changelog_uses_keep_a_changelogs_headings() -> None:
    headings = re.findall(r"^(#{1,6}) (.*)$", CHANGELOG.read_text(), flags=re.MULTILINE)
    versions = [title for level, title in headings if level == "##"]
    change_types = {title for level, title in headings if level == "###"}

    assert headings[0] == ("#", "Changelog")
    assert versions[0] == "[Unreleased]"
    assert versions[1:], "no released version"
    for version in versions[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", version), version
    assert change_types <= KEEP_A_CHANGELOG_TYPES
    assert {level for level, _ in headings} <= {"#", "##", "###"}


def test_the_changelog_lists_released_versions_newest_first() -> None:
    released = re.findall(r"^## \[(\d+)\.(\d+)\.(\d+)\] - (\S+)$", CHANGELOG.read_text(), re.M)
    keys = [((int(major), int(minor), int(patch)), date) for major, minor, patch, date in released]

    assert keys == sorted(keys, reverse=True)


def test_the_latest_changelog_version_is_the_one_in_version() -> None:
    latest = re.search(r"^## \[(\d+\.\d+\.\d+)\]", CHANGELOG.read_text(), flags=re.MULTILINE)

    assert latest is not None
    # VERSION is the release version's one place (ci/lib.sh); a release needs its section.
    assert latest.group(1) == _read("VERSION").strip()


def editorconfig_for(file_name: str) -> dict[str, str]:
    """The properties .editorconfig gives a file at the root (later sections win)."""
    parser = configparser.ConfigParser(interpolation=None)
    # The lines before the first section (root = true) belong to no glob.
    parser.read_string("[preamble]\n" + _read(".editorconfig"))
    properties: dict[str, str] = {}
    for section in parser.sections():
        globs = re.fullmatch(r"\{(.*)\}", section)
        patterns = globs.group(1).split(",") if globs else [section]
        if any(fnmatch.fnmatchcase(file_name, pattern) for pattern in patterns):
            properties.update(parser[section])
    return properties


def test_editorconfig_gives_python_rufs_line_length() -> None:
    ruff = tomllib.loads(_read("pyproject.toml"))["tool"]["ruff"]

    assert editorconfig_for("module.py")["max_line_length"] == str(ruff["line-length"])
    assert editorconfig_for("module.py")["indent_size"] == "4"


@pytest.mark.parametrize("file_name", ["ci.yml", "x.yaml", "x.json", "x.js", "x.html", "x.css"])
def test_editorconfig_indents_web_and_config_files_by_two_spaces(file_name: str) -> None:
    properties = editorconfig_for(file_name)

    assert (properties["indent_style"], properties["indent_size"]) == ("space", "2")
    assert (properties["end_of_line"], properties["insert_final_newline"]) == ("lf", "true")


def test_editorconfig_keeps_the_makefiles_tabs() -> None:
    assert editorconfig_for("Makefile")["indent_style"] == "tab"


def test_every_codeowners_rule_names_an_existing_path_and_one_team() -> None:
    rules = [
        line.split()
        for line in _read(".github/CODEOWNERS").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert rules[0] == ["*", "@shopstack/maintainers"]
    for pattern, *owners in rules[1:]:
        assert (REPO / pattern.strip("/")).exists(), pattern
        assert len(owners) == 1
        assert re.fullmatch(r"@shopstack/[a-z-]+", owners[0]), owners
