"""The order-placement SLO: 99.9% of POST /api/order/create answer without a 5xx."""

from .grafana import Json, dashboard, row, stat, target, timeseries

BUDGET = 0.001
RATIO = "slo:order_placement_errors:ratio_rate"
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")


def build() -> Json:
    """The SLO and error budget dashboard."""
    burn = [(None, "green"), (1, "orange"), (6, "red")]
    panels = [
        row("Order placement: 99.9% without 5xx over 30 days"),
        stat(
            "Availability (30d)",
            [target(f"1 - {RATIO}30d")],
            unit="percentunit",
            thresholds=[(None, "red"), (0.999, "green")],
        ),
        stat(
            "Error budget left (30d)",
            [target(f"1 - {RATIO}30d / {BUDGET}")],
            unit="percentunit",
            thresholds=[(None, "red"), (0.25, "orange"), (0.5, "green")],
        ),
        stat(
            "Burn rate (1h)",
            [target(f"{RATIO}1h / {BUDGET}")],
            thresholds=burn,
            description="1 spends the budget in exactly 30 days; 14.4 over 1h pages.",
        ),
        stat(
            "Burn rate (6h)",
            [target(f"{RATIO}6h / {BUDGET}")],
            thresholds=burn,
            description="6 over 6h pages; 3 over 1d and 1 over 3d open a ticket.",
        ),
        timeseries(
            "Burn rate by window",
            [target(f"{RATIO}{window} / {BUDGET}", window) for window in WINDOWS],
            description="Alerts need a long window and its short one above the rate.",
        ),
        timeseries(
            "Order placements by status",
            [
                target(
                    "sum by (status) (rate(http_server_requests_seconds_count"
                    '{uri="/api/order/create"}[$__rate_interval]))',
                    "{{status}}",
                )
            ],
            unit="reqps",
            stack=True,
        ),
        timeseries(
            "Error ratio",
            [
                target(f"{RATIO}5m", "5m"),
                target(f"{RATIO}1h", "1h"),
                target(f"{RATIO}30d", "30d"),
            ],
            unit="percentunit",
            width=24,
        ),
    ]
    return dashboard(
        "shopstack-slo",
        "shopstack / SLO: order placement",
        "Availability SLO of order placement, its error budget and burn rates.",
        panels,
    )
