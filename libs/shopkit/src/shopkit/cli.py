"""The command line every service has: ``python -m <service> [serve|migrate]``."""

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from importlib.metadata import version as package_version
from typing import Any, TypeVar

from fastapi import FastAPI

from shopkit.logging import configure_logging
from shopkit.server import serve
from shopkit.settings import ServiceSettings
from shopkit.tracing import configure_tracing

S = TypeVar("S", bound=ServiceSettings)


def run_service(
    service: str,
    settings_type: Callable[[], S],
    create_app: Callable[[S], FastAPI],
    migrate: Callable[[S], Coroutine[Any, Any, None]] | None = None,
    distribution: str | None = None,
) -> None:
    """Serve the service (the default), or with ``migrate`` only bring its schema to head."""
    parser = argparse.ArgumentParser(prog=f"{service}_service")
    commands = ["serve", "migrate"] if migrate else ["serve"]
    parser.add_argument("command", nargs="?", choices=commands, default="serve")
    command = parser.parse_args().command
    settings = settings_type()
    configure_logging(service, settings.log_level)
    configure_tracing(
        service,
        package_version(distribution or f"{service}-service"),
        settings.trace_sample_ratio,
    )
    if command == "migrate" and migrate is not None:
        asyncio.run(migrate(settings))
    else:
        serve(create_app(settings), settings)
