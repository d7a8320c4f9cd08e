"""Faults an admin can switch on in a running shop, for demos and game days: OpenFeature
flags (flagd's format) that delay or fail a service's API requests or its database.

Every flag is off by default; with no FAULTS_* source configured there is no provider and no
middleware at all. See docs/observability.md ("Fault flags") and docs/runbooks.md.
"""

from fastapi import FastAPI
from prometheus_client import Gauge

from shopkit.faults.errors import (
    FAULT_PROBLEMS,
    FaultFlagsReadOnlyError,
    InvalidFaultValueError,
    UnknownFaultFlagError,
)
from shopkit.faults.flags import (
    FLAGS,
    FaultFlag,
    FlagValue,
    ensure_flag_file,
    flag_named,
    flags_of,
    read_flag_file,
    write_flag_file,
)
from shopkit.faults.runtime import (
    FaultFlags,
    FaultInjectionMiddleware,
    database_fault,
    route_templates,
)
from shopkit.faults.settings import FaultSettings
from shopkit.metrics import ServiceMetrics

__all__ = [
    "FAULT_PROBLEMS",
    "FLAGS",
    "FaultFlag",
    "FaultFlags",
    "FaultFlagsReadOnlyError",
    "FaultInjectionMiddleware",
    "FaultSettings",
    "FlagValue",
    "InvalidFaultValueError",
    "UnknownFaultFlagError",
    "database_fault",
    "flag_named",
    "flags_of",
    "install_fault_flags",
    "read_flag_file",
    "write_flag_file",
]


def install_fault_flags(app: FastAPI, service: str, metrics: ServiceMetrics) -> None:
    """Inject the faults whose flags are on into `service`'s requests, export each of its
    flags as ``shopstack_fault_flag_value{flag}``."""
    flags = flags_of(service)
    if not flags:
        return
    settings = FaultSettings()
    if settings.flag_file is not None:
        ensure_flag_file(settings.flag_file)
    faults = FaultFlags(flags, settings.provider())
    _export(faults, metrics)
    if settings.flag_file is not None or settings.flagd_host is not None:
        app.add_middleware(FaultInjectionMiddleware, faults=faults, routes=route_templates(app))


def _export(faults: FaultFlags, metrics: ServiceMetrics) -> None:
    gauge = Gauge(
        "shopstack_fault_flag_value",
        "Value of each fault flag of this service (0: off; ms, a ratio or 1 when on)",
        ["flag"],
        registry=metrics.registry,
    )
    for flag in faults.flags:
        gauge.labels(flag.name).set(0)

    async def refresh() -> None:
        for name, value in faults.values().items():
            gauge.labels(name).set(float(value))

    metrics.refresh_before_scrape(refresh)
