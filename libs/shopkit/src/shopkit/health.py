"""Health checks behind Spring-compatible actuator endpoints."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class HealthCheck:
    """A dependency the service owns, e.g. its database, and how to ping it.

    `ping` raises (or times out) when the dependency is unreachable.
    """

    component: str
    ping: Callable[[], Awaitable[object]]


async def _status_of(check: HealthCheck) -> bool:
    try:
        await asyncio.wait_for(check.ping(), CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning(
            "health check failed", extra={"component": check.component, "error": repr(exc)}
        )
        return False
    return True


async def run_checks(checks: list[HealthCheck]) -> dict[str, bool]:
    """Ping every dependency concurrently; component name -> reachable."""
    results = await asyncio.gather(*(_status_of(check) for check in checks))
    return {check.component: ok for check, ok in zip(checks, results, strict=True)}
