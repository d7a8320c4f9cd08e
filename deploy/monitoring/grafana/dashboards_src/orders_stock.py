"""Orders and stock: where orders end up, what they are worth, and what is running out."""

from .grafana import Json, dashboard, row, stat, target, timeseries

RATE = "[$__rate_interval]"
SETTLED = 'outcome=~"confirmed|rejected|failed"'
PLACEMENT = 'uri="/api/order/create"'


def build() -> Json:
    """The orders and stock dashboard."""
    panels = [
        row("Orders"),
        stat(
            "Orders confirmed",
            [target('sum(increase(orders_placed_total{outcome="confirmed"}[$__range]))')],
            description="In the selected time range.",
        ),
        stat(
            "Rejected for stock",
            [
                target(
                    'sum(increase(orders_placed_total{outcome="rejected"}[$__range]))'
                    f" / sum(increase(orders_placed_total{{{SETTLED}}}[$__range]))"
                )
            ],
            unit="percentunit",
            thresholds=[(None, "green"), (0.2, "orange")],
            description="Share of settled orders; OrderRejectionSpike fires above 20%.",
        ),
        stat(
            "Order value",
            [target("sum(increase(order_value_total[$__range]))")],
            description="Sum of confirmed order totals in the selected time range.",
        ),
        stat("Products in the catalog", [target("sum(catalog_products)")]),
        timeseries(
            "Orders by outcome",
            [target(f"sum by (outcome) (rate(orders_placed_total{RATE}))", "{{outcome}}")],
            unit="ops",
            stack=True,
        ),
        timeseries(
            "Settled by the recovery loop",
            [target(f"sum by (outcome) (increase(orders_recovered_total{RATE}))", "{{outcome}}")],
            description="Orders a crash left PENDING, settled later: should stay at 0.",
        ),
        timeseries(
            "Order value per minute", [target(f"sum(rate(order_value_total{RATE})) * 60", "value")]
        ),
        timeseries(
            "Order placement latency",
            [
                target(
                    "histogram_quantile(0.95, sum by (le) "
                    f"(rate(http_server_requests_seconds_bucket{{{PLACEMENT}}}{RATE})))",
                    "p95",
                ),
                target(
                    "histogram_quantile(0.99, sum by (le) "
                    f"(rate(http_server_requests_seconds_bucket{{{PLACEMENT}}}{RATE})))",
                    "p99",
                ),
            ],
            unit="s",
        ),
        row("Stock"),
        stat(
            "Low-stock SKUs",
            [target("sum(inventory_low_stock_skus)")],
            thresholds=[(None, "green"), (1, "orange")],
            description="SKUs below INVENTORY_LOW_STOCK_THRESHOLD (default 5).",
        ),
        timeseries(
            "Low-stock SKUs", [target("inventory_low_stock_skus", "{{instance}}")], width=18
        ),
        timeseries(
            "Reservations by result",
            [target(f"sum by (result) (rate(inventory_reservations_total{RATE}))", "{{result}}")],
            unit="ops",
            stack=True,
        ),
        timeseries(
            "Reservations refused for stock",
            [
                target(
                    f'sum(rate(inventory_reservations_total{{result="rejected"}}{RATE}))'
                    " / sum(rate(inventory_reservations_total"
                    f'{{result=~"reserved|rejected"}}{RATE}))',
                    "refused",
                )
            ],
            unit="percentunit",
        ),
    ]
    return dashboard(
        "shopstack-orders-stock",
        "shopstack / Orders and stock",
        "Business view: order outcomes and value, reservations and low stock.",
        panels,
    )
