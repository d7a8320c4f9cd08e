"""`make bench` keeps working: a short run, unattended, writes its figures and its chart."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from testkit.availability import require
from testkit.mariadb import require_mariadb

from .stack import REPO


def test_the_benchmark_runs_unattended_and_writes_every_figure_and_its_chart(
    tmp_path: Path,
) -> None:
    require(shutil.which("wrk") is not None, "wrk is not installed (Debian package wrk)")
    require_mariadb()

    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py")],
        cwd=REPO,
        env=os.environ | {"BENCH_SECONDS": "1", "BENCH_RESULTS": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (written,) = tmp_path.glob("*.json")
    assert written.with_suffix(".png").stat().st_size > 10_000
    figures = json.loads(written.read_text())
    assert figures["consistency"]["consistent"] is True
    assert figures["consistency"]["pending"] == 0
    for scenario in ("flash_sale", "uniform"):
        assert set(figures["orders"][scenario]) == {"8", "32", "128"}
        for clients in figures["orders"][scenario].values():
            assert clients["confirmed"] > 0
            assert {"product", "inventory", "order"} <= set(clients["cpu_ms_per_order"])
    assert figures["ceilings"]["hello"]["per_second"] > 0
    assert figures["ceilings"]["raw_reservation_tx_per_s"] > 0
    assert set(figures["ratios"]) >= {"flash_sale_32_vs_raw_reservation"}
    assert set(figures["verdict"]) == set(figures["targets"])
    assert all(s["ready_seconds"] > 0 < s["peak_rss_mb"] for s in figures["services"].values())
    assert "consistency: OK" in run.stdout
