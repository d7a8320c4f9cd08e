"""`make bench`: the platform's speed next to the machine's ceilings, in one run.

Writes bench/results/<date>-<sha>.json and a PNG chart beside it, and prints a summary.
Every load comes from wrk in a second process; everything runs on this machine.
"""

import asyncio
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncmy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ceilings import hello_and_chain, reservation_transactions_per_second
from bench.chart import draw
from bench.stack import RunningService, process_cpu_seconds, production_stack
from bench.wrk import wrk

RESULTS = Path(os.environ.get("BENCH_RESULTS", Path(__file__).resolve().parent / "results"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = (8, 32, 128)
UNIFORM_SKUS = [f"u{n:03d}" for n in range(100)]
HOT_STOCK = 3000
TARGETS = {
    "flash_sale_32_orders_per_s": 800,
    "flash_sale_32_p99_ms": 60,
    "flash_sale_32_share_of_raw_reservation": 0.5,
    "uniform_32_orders_per_s": 1000,
    "uniform_32_p99_ms": 50,
    "catalog_reads_per_s": 3000,
    "rss_mb_per_service": 120,
    "ready_seconds": 2.0,
}


async def _admin(sql: str, database: str | None = None) -> list[tuple[Any, ...]]:
    connection = await asyncmy.connect(host="127.0.0.1", user="root", db=database)
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(sql)
            return list(await cursor.fetchall())
    finally:
        connection.close()


def sql(statement: str, database: str | None = None) -> list[tuple[Any, ...]]:
    with ThreadPoolExecutor(1) as runner:
        return runner.submit(asyncio.run, _admin(statement, database)).result()


def send(method: str, url: str, body: object, token: str) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def seed(urls: dict[str, str], token: str) -> None:
    """100 products with deep stock for uniform load, and a hot SKU per concurrency level,
    written with an admin's token (the orders after are guests', without one)."""
    stock = {sku: 1_000_000 for sku in UNIFORM_SKUS} | {f"hot{c}": HOT_STOCK for c in CONCURRENCY}
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda sku: send(
                    "POST",
                    urls["product"] + "/api/product/create",
                    {"name": f"Bench {sku}", "price": 10.0, "skuCode": sku},
                    token,
                ),
                stock,
            )
        )
        list(
            pool.map(
                lambda item: send(
                    "PUT",
                    urls["inventory"] + f"/api/inventory/{item[0]}",
                    {"quantity": item[1]},
                    token,
                ),
                stock.items(),
            )
        )


def consistency(databases: dict[str, str]) -> dict[str, Any]:
    """Stock taken equals what confirmed orders hold, and no stock is negative."""
    inventory_db, order_db = databases["inventory"], databases["order"]
    levels = dict(sql("SELECT sku_code, quantity FROM inventory", inventory_db))
    confirmed = dict(
        sql(
            "SELECT l.sku_code, SUM(l.quantity) FROM order_lines l JOIN orders o "
            "ON o.order_number = l.order_number WHERE o.status = 'CONFIRMED' GROUP BY l.sku_code",
            order_db,
        )
    )
    initial = {sku: 1_000_000 for sku in UNIFORM_SKUS} | {f"hot{c}": HOT_STOCK for c in CONCURRENCY}
    mismatched = {
        sku: {"taken": initial[sku] - levels[sku], "confirmed": int(confirmed.get(sku, 0))}
        for sku in initial
        if initial[sku] - levels[sku] != int(confirmed.get(sku, 0))
    }
    statuses = dict(sql("SELECT status, COUNT(*) FROM orders GROUP BY status", order_db))
    return {
        "consistent": not mismatched and min(levels.values()) >= 0,
        "negative_stock": [sku for sku, q in levels.items() if q < 0],
        "mismatched": mismatched,
        "orders_by_status": {k: int(v) for k, v in statuses.items()},
        "pending": int(statuses.get("PENDING", 0)),
    }


def warm_up(urls: dict[str, str], order_url: str) -> None:
    """Fill the connection pools and caches and let the interpreters settle, unmeasured.

    Its orders take stock from the uniform SKUs; the consistency check counts them too."""
    print("  warming up", flush=True)
    seconds = max(1, SECONDS // 2)
    env = {"SKUS": ",".join(UNIFORM_SKUS), "PRICE": "10.0", "PATH": "/usr/bin:/bin"}
    wrk(order_url, connections=32, seconds=seconds, env=env)
    wrk(urls["product"] + "/api/product/allProducts?size=100", connections=32, seconds=1)
    wrk(urls["inventory"] + "/api/inventory?skuCode=u000,u001", connections=32, seconds=1)


def reference_loop_ms() -> float:
    """CPU time of a fixed pure-Python loop: how fast this machine was during the run.

    Shared machines vary by tens of percent from hour to hour; compare runs with this."""
    started = time.process_time()
    total = 0
    for number in range(3_000_000):
        total += number
    return (time.process_time() - started) * 1000


def cpu_seconds(services: dict[str, RunningService]) -> dict[str, float]:
    """CPU used so far by each service and by the MariaDB server (if it runs here)."""
    used = {name: service.cpu_seconds() for name, service in services.items()}
    mariadb = subprocess.run(["pidof", "mariadbd"], capture_output=True, text=True, check=False)
    if mariadb.stdout.split():
        used["mariadb"] = process_cpu_seconds(int(mariadb.stdout.split()[0]))
    return used


def cpu_ms_per_order(
    before: dict[str, float], after: dict[str, float], figures: dict[str, Any]
) -> dict[str, float]:
    """Where an order's CPU goes: milliseconds per answered order, by process."""
    answered = max(figures["confirmed"] + figures["rejected"], 1)
    return {name: (after[name] - before[name]) * 1000 / answered for name in before}


def orders_result(figures: dict[str, Any]) -> dict[str, Any]:
    statuses = {int(k): v for k, v in figures["statuses"].items()}
    answered = statuses.get(201, 0) + statuses.get(409, 0)
    errors = figures["requests"] - answered + figures["socket_errors"]
    return figures | {
        "confirmed": statuses.get(201, 0),
        "rejected": statuses.get(409, 0),
        "orders_per_s": answered / figures["duration_s"],
        "error_rate": errors / max(figures["requests"], 1),
    }


def main() -> int:
    started = time.monotonic()
    sha = (
        subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        or "unknown"
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    tag = secrets.token_hex(3)
    databases_made = [f"bench_{name}_{tag}" for name in ("product", "inventory", "order", "raw")]
    for name in databases_made:
        sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    url_of = {
        name: f"mysql+asyncmy://root@127.0.0.1:3306/bench_{name}_{tag}?charset=utf8mb4"
        for name in ("product", "inventory", "order")
    }
    database_of = {name: f"bench_{name}_{tag}" for name in ("product", "inventory", "order")}
    result: dict[str, Any] = {
        "date": stamp,
        "commit": sha,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "reference_loop_ms": reference_loop_ms(),
        },
        "seconds_per_run": SECONDS,
        "targets": TARGETS,
    }
    try:
        print("ceilings …", flush=True)
        with hello_and_chain() as (hello_url, chain_url):
            result["ceilings"] = {
                "hello": wrk(hello_url + "/hello", connections=32, seconds=SECONDS),
                "two_hop_chain": wrk(chain_url + "/chain", connections=32, seconds=SECONDS),
            }
        result["ceilings"]["raw_reservation_tx_per_s"] = asyncio.run(
            reservation_transactions_per_second(f"bench_raw_{tag}", seconds=SECONDS)
        )
        print("platform …", flush=True)
        with (
            tempfile.TemporaryDirectory() as logs,
            production_stack(url_of, Path(logs)) as (services, admin_token),
        ):
            urls = {name: service.url for name, service in services.items()}
            seed(urls, admin_token())
            order_url = urls["order"] + "/api/order/create"
            warm_up(urls, order_url)
            result["orders"] = {"flash_sale": {}, "uniform": {}}
            for connections in CONCURRENCY:
                for scenario, skus in (
                    ("flash_sale", f"hot{connections}"),
                    ("uniform", ",".join(UNIFORM_SKUS)),
                ):
                    print(f"  {scenario} at {connections} clients", flush=True)
                    cpu_before = cpu_seconds(services)
                    figures = orders_result(
                        wrk(
                            order_url,
                            connections=connections,
                            seconds=SECONDS,
                            env={"SKUS": skus, "PRICE": "10.0", "PATH": "/usr/bin:/bin"},
                        )
                    )
                    figures["cpu_ms_per_order"] = cpu_ms_per_order(
                        cpu_before, cpu_seconds(services), figures
                    )
                    result["orders"][scenario][str(connections)] = figures
            result["catalog_reads"] = wrk(
                urls["product"] + "/api/product/allProducts?size=100",
                connections=32,
                seconds=SECONDS,
            )
            result["stock_checks"] = wrk(
                urls["inventory"] + "/api/inventory?skuCode=u000,u001,u002,u003,u004",
                connections=32,
                seconds=SECONDS,
            )
            result["services"] = {
                name: {"peak_rss_mb": s.peak_rss_mb(), "ready_seconds": s.ready_seconds}
                for name, s in services.items()
            }
        result["consistency"] = consistency(database_of)
    finally:
        for name in databases_made:
            sql(f"DROP DATABASE IF EXISTS `{name}`")
    result["ratios"] = ratios(result)
    result["verdict"] = verdict(result)
    result["wall_seconds"] = time.monotonic() - started
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}-{sha}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    draw(result, path.with_suffix(".png"))
    print_summary(result, path)
    return 0 if result["consistency"]["consistent"] else 1


def ratios(result: dict[str, Any]) -> dict[str, float]:
    ceilings = result["ceilings"]
    flash32 = result["orders"]["flash_sale"]["32"]["orders_per_s"]
    uniform32 = result["orders"]["uniform"]["32"]["orders_per_s"]
    return {
        "flash_sale_32_vs_raw_reservation": flash32 / ceilings["raw_reservation_tx_per_s"],
        "flash_sale_32_vs_two_hop_chain": flash32 / ceilings["two_hop_chain"]["per_second"],
        "uniform_32_vs_two_hop_chain": uniform32 / ceilings["two_hop_chain"]["per_second"],
        "catalog_reads_vs_hello": result["catalog_reads"]["per_second"]
        / ceilings["hello"]["per_second"],
        "stock_checks_vs_hello": result["stock_checks"]["per_second"]
        / ceilings["hello"]["per_second"],
    }


def verdict(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    flash, uniform = result["orders"]["flash_sale"]["32"], result["orders"]["uniform"]["32"]
    services = result["services"].values()
    measured = {
        "flash_sale_32_orders_per_s": (flash["orders_per_s"], ">="),
        "flash_sale_32_p99_ms": (flash["p99_ms"], "<="),
        "flash_sale_32_share_of_raw_reservation": (
            result["ratios"]["flash_sale_32_vs_raw_reservation"],
            ">=",
        ),
        "uniform_32_orders_per_s": (uniform["orders_per_s"], ">="),
        "uniform_32_p99_ms": (uniform["p99_ms"], "<="),
        "catalog_reads_per_s": (result["catalog_reads"]["per_second"], ">="),
        "rss_mb_per_service": (max(s["peak_rss_mb"] for s in services), "<="),
        "ready_seconds": (max(s["ready_seconds"] for s in services), "<="),
    }
    return {
        name: {
            "measured": value,
            "target": TARGETS[name],
            "met": value >= TARGETS[name] if way == ">=" else value <= TARGETS[name],
        }
        for name, (value, way) in measured.items()
    }


def print_summary(result: dict[str, Any], path: Path) -> None:
    print(f"\nresults: {path}")
    for name, figures in result["verdict"].items():
        mark = "met   " if figures["met"] else "MISSED"
        print(f"  {mark} {name}: {figures['measured']:.2f} (target {figures['target']})")
    check = result["consistency"]
    print(f"consistency: {'OK' if check['consistent'] else 'BROKEN'}")
    print(f"  orders by status: {check['orders_by_status']}")
    print(f"  negative stock: {check['negative_stock'] or 'none'}")
    print(f"  taken but not confirmed: {check['mismatched'] or 'none'}")
    for scenario in ("flash_sale", "uniform"):
        spent = result["orders"][scenario]["32"]["cpu_ms_per_order"]
        print(f"CPU ms per order, {scenario} at 32 clients: " + _spent(spent))
    print(f"machine speed: reference loop {result['machine']['reference_loop_ms']:.0f} ms")
    print(f"wall time {result['wall_seconds']:.0f} s")


def _spent(by_process: dict[str, float]) -> str:
    return ", ".join(f"{name} {ms:.2f}" for name, ms in by_process.items())


if __name__ == "__main__":
    sys.exit(main())
