"""Running a service as one process."""

import uvicorn
from fastapi import FastAPI

from shopkit.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Serve `app` until SIGINT/SIGTERM, then drain in-flight requests for the grace period."""
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        server_header=False,
    )
