"""ASGI apps served by a real uvicorn on a loopback port, for tests over real HTTP."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from testkit.network import free_port
from testkit.tls import Certificate


@contextmanager
def serve_in_thread(
    app: ASGIApp, port: int | None = None, tls: Certificate | None = None
) -> Iterator[str]:
    """Run `app` under uvicorn in a background thread; yields its base URL (https with
    `tls`).

    The app's lifespan runs, so its stores open and close as in production.
    """
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        ssl_certfile=tls.certificate if tls else None,
        ssl_keyfile=tls.private_key if tls else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the server on port {port} failed to start")
            thread.join(0.02)
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
