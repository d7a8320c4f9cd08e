"""Running wrk from a second process and reading its JSON line."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent / "wrk"


def wrk(
    url: str,
    *,
    connections: int,
    seconds: int,
    script: str = "load.lua",
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Load `url` for `seconds` with `connections` keep-alive connections; one wrk thread,
    so the load tool takes one core at most."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian package wrk)")
    result = subprocess.run(
        [
            binary,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(SCRIPTS / script),
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
        check=True,
    )
    line = next(out for out in result.stdout.splitlines() if out.startswith("{"))
    figures: dict[str, Any] = json.loads(line)
    figures["per_second"] = figures["requests"] / figures["duration_s"]
    figures["connections"] = connections
    return figures
