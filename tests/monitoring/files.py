"""The committed monitoring files, read the way the tests need them."""

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "deploy" / "monitoring"
PROMETHEUS_DIR = MONITORING / "prometheus"
RULES_DIR = PROMETHEUS_DIR / "rules"
ALERT_RULES = RULES_DIR / "alerts.yml"
RECORDING_RULES = RULES_DIR / "recording.yml"
RULE_TESTS_DIR = PROMETHEUS_DIR / "tests"
ALERTMANAGER_CONFIG = MONITORING / "alertmanager" / "alertmanager.yml"
GRAFANA_DIR = MONITORING / "grafana"
DASHBOARDS_DIR = GRAFANA_DIR / "dashboards"
RUNBOOKS = REPO / "docs" / "runbooks.md"
OBSERVABILITY_DOC = REPO / "docs" / "observability.md"
RUNBOOK_URL_PREFIX = "https://github.com/shopstack/shopstack/blob/main/docs/runbooks.md#"

Rule = dict[str, Any]


def load_yaml(path: Path) -> dict[str, Any]:
    """One YAML document (a mapping, as every file here is)."""
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict), path
    return document


def rules(path: Path) -> list[Rule]:
    """Every rule of a Prometheus rule file, in order."""
    return [rule for group in load_yaml(path)["groups"] for rule in group["rules"]]


def alert_rules() -> list[Rule]:
    """The alerting rules of alerts.yml."""
    return [rule for rule in rules(ALERT_RULES) if "alert" in rule]


def recording_rules() -> list[Rule]:
    """The recording rules of recording.yml."""
    return [rule for rule in rules(RECORDING_RULES) if "record" in rule]


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def runbook_anchors() -> set[str]:
    """Anchors of every heading in docs/runbooks.md (a `#` inside a code block is none)."""
    prose = re.sub(r"^```.*?^```", "", RUNBOOKS.read_text(), flags=re.MULTILINE | re.DOTALL)
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", prose, flags=re.MULTILINE)
    return {github_anchor(heading) for heading in headings}


@cache
def dashboards_source() -> ModuleType:
    """The dashboard generator package (deploy/monitoring/grafana/dashboards_src)."""
    name = "shopstack_dashboards_src"
    package_dir = GRAFANA_DIR / "dashboards_src"
    spec = importlib.util.spec_from_file_location(
        name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # so the package's relative imports resolve
    spec.loader.exec_module(module)
    return module


def generated_dashboards() -> dict[str, dict[str, Any]]:
    """The dashboards as the generator makes them now, by file name."""
    built: dict[str, dict[str, Any]] = dashboards_source().build_all()
    return built


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel with queries (rows left out)."""
    return [panel for panel in dashboard["panels"] if panel["type"] != "row"]


def concrete_query(expr: str, window: str = "1m") -> str:
    """A panel query as Grafana would send it: interval variables become `window`, template
    variables match everything."""
    expr = re.sub(r"\$__(rate_interval|interval|range)\b", window, expr)
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


# --- which metric names a PromQL expression reads -------------------------------------------

_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "inf", "nan",
}  # fmt: skip


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (a small PromQL scanner, enough for ours)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values and strings
    expr = re.sub(r"\{[^}]*\}", " ", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", " ", expr)  # range windows
    # Label lists of aggregations and vector matching.
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?", expr):
        name, is_call = match.group(1), match.group(2)
        if not is_call and name.lower() not in _KEYWORDS:
            names.add(name)
    return names


@cache
def documented_metrics() -> tuple[frozenset[str], frozenset[str]]:
    """(exact names, name prefixes) of the metrics table in docs/observability.md.

    A cell like "`hikaricp_connections_active`, `_idle`" abbreviates the second name to the
    suffix of the first's stem; "`process_*`" stands for a family. Histograms also export
    their `_bucket`, `_count` and `_sum` series.
    """
    exact: set[str] = set()
    prefixes: set[str] = set()
    for line in OBSERVABILITY_DOC.read_text().splitlines():
        cells = line.split("|")
        if len(cells) < 4 or "`" not in cells[1]:
            continue
        names = re.findall(r"`([^`]+)`", cells[1])
        stem = names[0].rsplit("_", 1)[0]
        for name in names:
            if name.endswith("*"):
                prefixes.add(name.rstrip("*"))
                continue
            full = stem + name if name.startswith("_") else name
            exact.add(full)
            if "histogram" in cells[2]:
                exact |= {f"{full}_bucket", f"{full}_count", f"{full}_sum"}
    return frozenset(exact), frozenset(prefixes)


def undocumented(names: set[str]) -> set[str]:
    """Names that are neither a documented service metric, a recording rule, `up`, nor one of
    mysqld_exporter's `mysql_*` metrics (checked against the real exporter by the live test)."""
    exact, prefixes = documented_metrics()
    allowed = set(exact) | {rule["record"] for rule in recording_rules()} | {"up"}
    return {
        name
        for name in names
        if name not in allowed and not name.startswith(("mysql_", *tuple(prefixes)))
    }
