"""Databases: each service's view of its store, its connection pool, and MySQL itself."""

from .grafana import Json, dashboard, row, service_variable, stat, target, timeseries

SERVICE = 'job=~"$service"'
RATE = "[$__rate_interval]"
UP_DOWN = [(None, "red"), (1, "green")]


def build() -> Json:
    """The database dashboard."""
    pool = "{{job}} {{pool}}"
    panels = [
        row("Stores as the services see them"),
        stat(
            "Store reachable (db_up)",
            [target(f"db_up{{{SERVICE}}}", "{{job}} {{component}}")],
            thresholds=UP_DOWN,
            width=12,
            description="Set by each health check; DatabaseDown fires after 1m at 0.",
        ),
        timeseries("db_up", [target(f"db_up{{{SERVICE}}}", "{{job}} {{component}}")]),
        row("SQL connection pools (HikariCP names)"),
        timeseries(
            "Active connections",
            [target(f"hikaricp_connections_active{{{SERVICE}}}", pool)],
            width=8,
        ),
        timeseries(
            "Idle connections", [target(f"hikaricp_connections_idle{{{SERVICE}}}", pool)], width=8
        ),
        timeseries(
            "Pool usage",
            [
                target(
                    f"hikaricp_connections_active{{{SERVICE}}}"
                    f" / hikaricp_connections_max{{{SERVICE}}}",
                    pool,
                )
            ],
            unit="percentunit",
            width=8,
            description="Near 100%, requests queue for a connection.",
        ),
        timeseries(
            "Open connections and pool size",
            [
                target(f"hikaricp_connections{{{SERVICE}}}", pool + " open"),
                target(f"hikaricp_connections_max{{{SERVICE}}}", pool + " max"),
            ],
        ),
        timeseries(
            "MongoDB driver pool (product on MongoDB)",
            [
                target(f"mongodb_driver_pool_size{{{SERVICE}}}", "{{job}} open"),
                target(f"mongodb_driver_pool_checkedout{{{SERVICE}}}", "{{job}} in use"),
            ],
        ),
        row("MySQL (mysqld_exporter)"),
        stat("MySQL up", [target("mysql_up", "{{instance}}")], thresholds=UP_DOWN),
        stat("MySQL uptime", [target("mysql_global_status_uptime", "{{instance}}")], unit="s"),
        timeseries(
            "MySQL connections",
            [
                target("mysql_global_status_threads_connected", "connected"),
                target("mysql_global_status_threads_running", "running"),
                target("mysql_global_variables_max_connections", "max"),
            ],
        ),
        timeseries(
            "MySQL queries",
            [
                target(f"rate(mysql_global_status_queries{RATE})", "queries"),
                target(f"rate(mysql_global_status_slow_queries{RATE})", "slow queries"),
            ],
            unit="ops",
        ),
        timeseries(
            "InnoDB row lock waits and deadlocks",
            [
                target(f"rate(mysql_global_status_innodb_row_lock_waits{RATE})", "row lock waits"),
                target(f"rate(mysql_global_status_innodb_deadlocks{RATE})", "deadlocks"),
            ],
            unit="ops",
            description="Reservations retry deadlocks; a rise here precedes latency.",
        ),
        timeseries(
            "Refused connections",
            [
                target(f"rate(mysql_global_status_aborted_connects{RATE})", "aborted connects"),
            ],
            unit="ops",
        ),
    ]
    return dashboard(
        "shopstack-database",
        "shopstack / Databases",
        "Store health per service, SQLAlchemy and MongoDB pools, and MySQL from mysqld_exporter.",
        panels,
        [service_variable()],
    )
