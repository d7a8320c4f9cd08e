"""shopstack's Grafana dashboards as code: `python -m deploy.monitoring.grafana.dashboards_src`
(from the repository root) writes them to ../dashboards/ as JSON."""

import json
import sys
from collections.abc import Mapping, Set
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


def write_generated(
    folder: Path, expected: Mapping[str, str], present: Set[str], *, check: bool
) -> int:
    """Make `folder` hold exactly `expected` (file name -> text), given the names `present`
    there; with `check`, only name what is stale. The exit status: 1 if `check` found any."""
    stale = sorted(
        name
        for name, text in expected.items()
        if name not in present or (folder / name).read_text() != text
    )
    unknown = sorted(present - set(expected))
    if check:
        for name in stale + unknown:
            print(f"stale: {folder / name}", file=sys.stderr)
        return 1 if stale or unknown else 0
    folder.mkdir(exist_ok=True)
    for name in stale:
        (folder / name).write_text(expected[name])
        print(f"wrote {folder / name}")
    for name in unknown:
        (folder / name).unlink()
        print(f"removed {folder / name}")
    return 0
