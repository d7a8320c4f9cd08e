"""The benchmark's PNG: orders/s and p99 per scenario and concurrency, beside the ceilings."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(result: dict[str, Any], path: Path) -> None:
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(12, 4.5))
    levels = list(result["orders"]["flash_sale"])
    width = 0.38
    for offset, scenario in ((-width / 2, "flash_sale"), (width / 2, "uniform")):
        runs = result["orders"][scenario]
        positions = [i + offset for i in range(len(levels))]
        throughput.bar(positions, [runs[c]["orders_per_s"] for c in levels], width, label=scenario)
        latency.bar(positions, [runs[c]["p99_ms"] for c in levels], width, label=scenario)
    ceilings = result["ceilings"]
    throughput.axhline(
        ceilings["raw_reservation_tx_per_s"],
        color="black",
        linestyle="--",
        label="raw reservation tx/s (MariaDB)",
    )
    throughput.axhline(
        ceilings["two_hop_chain"]["per_second"],
        color="grey",
        linestyle=":",
        label="two-hop chain req/s",
    )
    for axis, title, unit in (
        (throughput, "orders per second", "orders/s"),
        (latency, "p99 latency", "ms"),
    ):
        axis.set_xticks(range(len(levels)), [f"{c} clients" for c in levels])
        axis.set_title(title)
        axis.set_ylabel(unit)
        axis.legend(fontsize=8)
    latency.axhline(60, color="red", linestyle="--", linewidth=0.8, label="flash-sale target")
    figure.suptitle(f"shopstack bench {result['date']} ({result['commit']})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
