"""The benchmark's PNG: orders/s and p99 per scenario and concurrency, beside the ceilings,
and where an order's CPU goes."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(result: dict[str, Any], path: Path) -> None:
    figure, (throughput, latency, cpu) = plt.subplots(1, 3, figsize=(17, 4.5))
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
    latency.axhline(60, color="red", linestyle="--", linewidth=0.8, label="flash-sale p99 target")
    for axis, title, unit in (
        (throughput, "orders per second", "orders/s"),
        (latency, "p99 latency", "ms"),
    ):
        axis.set_xticks(range(len(levels)), [f"{c} clients" for c in levels])
        axis.set_title(title)
        axis.set_ylabel(unit)
        axis.legend(fontsize=8)
    _cpu_per_order(cpu, result["orders"])
    figure.suptitle(f"shopstack bench {result['date']} ({result['commit']})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _cpu_per_order(axis: Any, orders: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Stacked bars: CPU milliseconds per order by process, at 32 clients."""
    scenarios = list(orders)
    spent = [orders[scenario]["32"]["cpu_ms_per_order"] for scenario in scenarios]
    bottoms = [0.0] * len(scenarios)
    for process in spent[0]:
        heights = [by_process.get(process, 0.0) for by_process in spent]
        axis.bar(scenarios, heights, 0.5, bottom=bottoms, label=process)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axis.set_title("CPU per order at 32 clients")
    axis.set_ylabel("ms")
    axis.legend(fontsize=8)
