"""Prometheus's own checker for what the services expose."""

import shutil
import subprocess

from testkit.availability import require


def check_metrics(exposition: str) -> None:
    """Run `promtool check metrics` on an exposition; fail on any problem it reports."""
    promtool = shutil.which("promtool")
    require(promtool is not None, "promtool is not installed (Debian package prometheus)")
    assert promtool is not None
    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=exposition,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
