"""shopstack's Grafana dashboards as code: `python -m deploy.monitoring.grafana.dashboards_src`
(from the repository root) writes them to ../dashboards/ as JSON."""

import json
from pathlib import Path

from . import database, orders_stock, service_overview, slo
from .grafana import Json

OUTPUT = Path(__file__).resolve().parent.parent / "dashboards"


def build_all() -> dict[str, Json]:
    """Every dashboard by the file name it is written to."""
    dashboards = [service_overview.build(), orders_stock.build(), database.build(), slo.build()]
    return {f"{board['uid']}.json": board for board in dashboards}


def render(board: Json) -> str:
    """The committed JSON text of a dashboard."""
    return json.dumps(board, indent=2, ensure_ascii=False) + "\n"
