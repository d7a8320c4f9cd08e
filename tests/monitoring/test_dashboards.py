"""Grafana dashboards: generated from code, committed up to date, on the provisioned data."""

import re
from typing import Any

from .files import (
    DASHBOARDS_DIR,
    GRAFANA_DIR,
    dashboards_source,
    generated_dashboards,
    load_yaml,
    metric_names,
    panels,
    undocumented,
)

DATASOURCES = GRAFANA_DIR / "provisioning" / "datasources" / "datasources.yml"
PROVIDERS = GRAFANA_DIR / "provisioning" / "dashboards" / "dashboards.yml"


def _prometheus_uid() -> str:
    sources = load_yaml(DATASOURCES)["datasources"]
    return str(next(source["uid"] for source in sources if source["type"] == "prometheus"))


def _targets(dashboard: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(panel["title"], query) for panel in panels(dashboard) for query in panel["targets"]]


def test_committed_dashboards_are_what_the_generator_makes() -> None:
    source = dashboards_source()
    expected = {name: source.render(board) for name, board in generated_dashboards().items()}
    committed = {path.name: path.read_text() for path in DASHBOARDS_DIR.glob("*.json")}
    assert committed.keys() == expected.keys(), (
        "run: python -m deploy.monitoring.grafana.dashboards_src"
    )
    stale = [name for name in expected if committed[name] != expected[name]]
    assert not stale, f"stale {stale}; run: python -m deploy.monitoring.grafana.dashboards_src"


def test_the_four_dashboards_exist() -> None:
    titles = {board["title"] for board in generated_dashboards().values()}
    assert titles == {
        "shopstack / Service overview",
        "shopstack / Orders and stock",
        "shopstack / Databases",
        "shopstack / SLO: order placement",
    }


def test_every_panel_queries_the_provisioned_prometheus() -> None:
    uid = _prometheus_uid()
    for board in generated_dashboards().values():
        for panel in panels(board):
            assert panel["targets"], f"{board['title']} / {panel['title']} has no query"
            assert panel["datasource"]["uid"] == uid
            assert all(query["datasource"]["uid"] == uid for query in panel["targets"])
        for variable in board["templating"]["list"]:
            assert variable["datasource"]["uid"] == uid


def test_panel_ids_are_unique_and_panels_do_not_overlap() -> None:
    for board in generated_dashboards().values():
        ids = [panel["id"] for panel in board["panels"]]
        assert len(ids) == len(set(ids))
        cells: set[tuple[int, int]] = set()
        for panel in board["panels"]:
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24
            area = {
                (x, y)
                for x in range(grid["x"], grid["x"] + grid["w"])
                for y in range(grid["y"], grid["y"] + grid["h"])
            }
            assert not cells & area, f"{board['title']} / {panel['title']} overlaps"
            cells |= area


def test_template_variables_are_matched_as_regexes() -> None:
    # The "All" value is the regex .*: an exact match (=) on it would select nothing.
    for board in generated_dashboards().values():
        for title, query in _targets(board):
            for use in re.finditer(r'(\w+)\s*(=~|!~|=|!=)\s*"[^"]*\$(?!__)', query["expr"]):
                assert use.group(2) == "=~", f"{title}: {query['expr']}"


def test_panels_read_only_metrics_the_services_and_exporters_export() -> None:
    for board in generated_dashboards().values():
        for title, query in _targets(board):
            names = metric_names(query["expr"])
            assert names, f"{title}: {query['expr']}"
            assert not undocumented(names), f"{board['title']} / {title}: {names}"


def test_the_provider_loads_the_dashboards_as_read_only_files() -> None:
    provider = load_yaml(PROVIDERS)["providers"][0]
    assert provider["type"] == "file"
    assert provider["allowUiUpdates"] is False
    assert provider["options"]["path"] == "/etc/grafana/dashboards"
