"""The machine's real Redis server (127.0.0.1:6379 unless REDIS_URL says otherwise)."""

import os
import socket
from urllib.parse import urlsplit

from testkit.availability import require

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def redis_url() -> str:
    """The URL of a running Redis server; skips locally, fails in CI, when none answers."""
    url = os.environ.get("REDIS_URL", DEFAULT_URL)
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1):
            reachable = True
    except OSError:
        reachable = False
    require(reachable, f"no Redis server answers at {parts.hostname}:{parts.port or 6379}")
    return url
