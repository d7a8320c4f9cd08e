"""Service overview: health, then rate, errors and duration (RED) per service and per route."""

from .grafana import Json, dashboard, row, service_variable, stat, target, timeseries

SERVICE = 'job=~"$service"'
# Probes and scrapes are not customer traffic (as in ../../prometheus/rules/recording.yml).
ROUTES = f'{SERVICE}, uri!~"/actuator.*"'
SERVER_ERRORS = f'{ROUTES}, status=~"5.."'
RATE = "[$__rate_interval]"


def _per_route(selector: str) -> str:
    return (
        f"sum by (job, method, uri) (rate(http_server_requests_seconds_count{{{selector}}}{RATE}))"
    )


def _route_quantile(quantile: float) -> str:
    return (
        f"histogram_quantile({quantile}, sum by (job, method, uri, le) "
        f"(rate(http_server_requests_seconds_bucket{{{ROUTES}}}{RATE})))"
    )


def build() -> Json:
    """The service overview dashboard."""
    route = "{{job}} {{method}} {{uri}}"
    panels = [
        row("Health"),
        stat(
            "Targets up",
            [target(f"sum by (job) (up{{{SERVICE}}})", "{{job}}")],
            thresholds=[(None, "red"), (1, "green")],
        ),
        stat(
            "Requests", [target(f"sum(job:http_server_requests:rate5m{{{SERVICE}}})")], unit="reqps"
        ),
        stat(
            "5xx ratio (worst service)",
            [target(f"max(job:http_server_requests:error_ratio_rate5m{{{SERVICE}}})")],
            unit="percentunit",
            thresholds=[(None, "green"), (0.01, "orange"), (0.05, "red")],
        ),
        stat(
            "p99 latency (worst service)",
            [target(f"max(job:http_server_requests_seconds:p99_rate5m{{{SERVICE}}})")],
            unit="s",
            thresholds=[(None, "green"), (0.2, "orange"), (0.3, "red")],
        ),
        row("Fault flags (demos and game days)"),
        stat(
            "Fault flags on",
            [target(f"count(shopstack_fault_flag_value{{{SERVICE}}} != 0) or vector(0)")],
            description="Faults switched on deliberately (FaultFlagActive): see docs/runbooks.md.",
            thresholds=[(None, "green"), (1, "purple")],
        ),
        timeseries(
            "Fault flag values",
            [target(f"shopstack_fault_flag_value{{{SERVICE}}}", "{{job}} {{flag}}")],
            description="0 is off; a delay in ms, a share of requests failed, or 1 when on.",
            width=18,
        ),
        row("Per service"),
        timeseries(
            "Request rate",
            [target(f"job:http_server_requests:rate5m{{{SERVICE}}}", "{{job}}")],
            unit="reqps",
            width=8,
        ),
        timeseries(
            "5xx ratio",
            [target(f"job:http_server_requests:error_ratio_rate5m{{{SERVICE}}}", "{{job}}")],
            unit="percentunit",
            width=8,
            description="HighErrorRate fires above 5%.",
        ),
        timeseries(
            "Latency p95 / p99",
            [
                target(f"job:http_server_requests_seconds:p95_rate5m{{{SERVICE}}}", "{{job}} p95"),
                target(f"job:http_server_requests_seconds:p99_rate5m{{{SERVICE}}}", "{{job}} p99"),
            ],
            unit="s",
            width=8,
            description="HighLatency fires when p99 stays above 300ms.",
        ),
        row("Per route"),
        timeseries("Rate per route", [target(_per_route(ROUTES), route)], unit="reqps"),
        timeseries(
            "4xx and 5xx per route",
            [
                target(
                    f"sum by (job, method, uri, status) (rate(http_server_requests_seconds_count"
                    f'{{{ROUTES}, status=~"[45].."}}{RATE}))',
                    "{{job}} {{method}} {{uri}} {{status}}",
                )
            ],
            unit="reqps",
            stack=True,
        ),
        timeseries(
            "5xx ratio per route",
            [
                target(
                    # `or ... * 0`: a route without 5xx shows 0, not a gap.
                    f"({_per_route(SERVER_ERRORS)} or {_per_route(ROUTES)} * 0)"
                    f" / {_per_route(ROUTES)}",
                    route,
                )
            ],
            unit="percentunit",
        ),
        timeseries(
            "Latency per route",
            [
                target(_route_quantile(0.95), route + " p95"),
                target(_route_quantile(0.99), route + " p99"),
            ],
            unit="s",
        ),
        row("Calls to other services"),
        timeseries(
            "Outgoing calls",
            [
                target(
                    f"sum by (job, client_name, uri, status) "
                    f"(rate(http_client_requests_seconds_count{{{SERVICE}}}{RATE}))",
                    "{{job}} → {{client_name}} {{uri}} {{status}}",
                )
            ],
            unit="reqps",
            description="One sample per attempt: retries show up here.",
        ),
        timeseries(
            "Outgoing call latency p95",
            [
                target(
                    f"histogram_quantile(0.95, sum by (job, client_name, le) "
                    f"(rate(http_client_requests_seconds_bucket{{{SERVICE}}}{RATE})))",
                    "{{job}} → {{client_name}}",
                )
            ],
            unit="s",
        ),
        row("Processes"),
        timeseries(
            "CPU",
            [target(f"rate(process_cpu_seconds_total{{{SERVICE}}}{RATE})", "{{job}} {{instance}}")],
            unit="percentunit",
            width=8,
        ),
        timeseries(
            "Resident memory",
            [target(f"process_resident_memory_bytes{{{SERVICE}}}", "{{job}} {{instance}}")],
            unit="bytes",
            width=8,
        ),
        timeseries(
            "Running versions",
            [target(f"application_info{{{SERVICE}}}", "{{service}} {{version}} {{commit}}")],
            width=8,
        ),
    ]
    return dashboard(
        "shopstack-service-overview",
        "shopstack / Service overview",
        "Rate, errors and duration of every shopstack service and route.",
        panels,
        [service_variable()],
    )
