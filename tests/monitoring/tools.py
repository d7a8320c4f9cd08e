"""The real Prometheus-ecosystem binaries, found on PATH (Debian names them differently)."""

import shutil
import subprocess
from pathlib import Path

from testkit.availability import require

# Upstream name first, then Debian's package binary.
NAMES = {
    "promtool": ("promtool",),
    "prometheus": ("prometheus",),
    "amtool": ("amtool",),
    "alertmanager": ("alertmanager", "prometheus-alertmanager"),
    "mysqld_exporter": ("mysqld_exporter", "prometheus-mysqld-exporter"),
}
PACKAGES = {
    "promtool": "prometheus",
    "prometheus": "prometheus",
    "amtool": "prometheus-alertmanager",
    "alertmanager": "prometheus-alertmanager",
    "mysqld_exporter": "prometheus-mysqld-exporter",
}


def binary(tool: str) -> str:
    """Path of `tool`; skips locally (fails in CI) when it is not installed."""
    found = next((path for name in NAMES[tool] if (path := shutil.which(name))), None)
    require(found is not None, f"{tool} is not installed (Debian package {PACKAGES[tool]})")
    assert found is not None
    return found


def run(tool: str, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `tool` to completion; the caller checks the exit status and output."""
    return subprocess.run(
        [binary(tool), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )
