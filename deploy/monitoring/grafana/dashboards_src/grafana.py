"""Grafana dashboard JSON from plain dicts: panels, rows, template variables, layout."""

from collections.abc import Sequence
from typing import Any

Json = dict[str, Any]

# The uid provisioned in ../provisioning/datasources/datasources.yml.
PROMETHEUS = {"type": "prometheus", "uid": "prometheus"}
FULL_WIDTH = 24
PANEL_HEIGHT = 8


def target(expr: str, legend: str = "") -> Json:
    """One PromQL query of a panel."""
    return {"datasource": PROMETHEUS, "expr": expr, "legendFormat": legend or "__auto"}


def timeseries(
    title: str,
    targets: list[Json],
    unit: str = "short",
    description: str = "",
    width: int = 12,
    stack: bool = False,
) -> Json:
    """A time series panel."""
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": PROMETHEUS,
        "targets": _with_ref_ids(targets),
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": {
                    "fillOpacity": 10,
                    "showPoints": "never",
                    "stacking": {"mode": "normal" if stack else "none"},
                },
            },
            "overrides": [],
        },
        "options": {"legend": {"displayMode": "table", "placement": "bottom"}},
        "gridPos": {"w": width, "h": PANEL_HEIGHT},
    }


def stat(
    title: str,
    targets: list[Json],
    unit: str = "short",
    description: str = "",
    width: int = 6,
    thresholds: Sequence[tuple[float | None, str]] = ((None, "green"),),
) -> Json:
    """A single-value panel; `thresholds` are (from value, colour), the first from None."""
    steps = [{"value": value, "color": color} for value, color in thresholds]
    return {
        "type": "stat",
        "title": title,
        "description": description,
        "datasource": PROMETHEUS,
        "targets": _with_ref_ids(targets),
        "fieldConfig": {
            "defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
            "overrides": [],
        },
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"},
        "gridPos": {"w": width, "h": PANEL_HEIGHT // 2},
    }


def row(title: str) -> Json:
    """A row header spanning the dashboard."""
    return {"type": "row", "title": title, "collapsed": False, "panels": [], "gridPos": {"h": 1}}


def service_variable() -> Json:
    """`$service`: one or more of the scraped services (their `job` label)."""
    return {
        "name": "service",
        "label": "Service",
        "type": "query",
        "datasource": PROMETHEUS,
        "query": {"query": "label_values(application_info, job)", "refId": "service"},
        "definition": "label_values(application_info, job)",
        "refresh": 2,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }


def _laid_out(panels: list[Json]) -> list[Json]:
    """Give each panel an id and a grid position: left to right, wrapping at full width."""
    x = y = line_height = 0
    placed = []
    for number, panel in enumerate(panels, start=1):
        width, height = panel["gridPos"].get("w", FULL_WIDTH), panel["gridPos"].get("h", 1)
        if panel["type"] == "row" or x + width > FULL_WIDTH:
            x, y, line_height = 0, y + line_height, 0
        placed.append(panel | {"id": number, "gridPos": {"x": x, "y": y, "w": width, "h": height}})
        x += width
        line_height = max(line_height, height)
    return placed


def _with_ref_ids(targets: list[Json]) -> list[Json]:
    return [query | {"refId": ref} for ref, query in zip("ABCDEFGHIJ", targets, strict=False)]


def dashboard(
    uid: str,
    title: str,
    description: str,
    panels: list[Json],
    variables: list[Json] | None = None,
) -> Json:
    """A complete dashboard, ready for file provisioning."""
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["shopstack"],
        "timezone": "utc",
        "editable": False,
        "graphTooltip": 1,
        "refresh": "30s",
        "schemaVersion": 39,
        "time": {"from": "now-3h", "to": "now"},
        "templating": {"list": variables or []},
        "annotations": {"list": []},
        "links": [],
        "panels": _laid_out(panels),
    }
