"""The three services as production runs them: separate processes on MariaDB."""

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from testkit.processes import ServiceProcesses

SERVICES = ("product", "inventory", "order")


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid`, from /proc."""
    # Fields after the command name, which may itself hold spaces: utime and stime are 12, 13.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class RunningService:
    url: str
    process: subprocess.Popen[bytes]
    ready_seconds: float

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far."""
        return process_cpu_seconds(self.process.pid)

    def peak_rss_mb(self) -> float:
        """The process's peak resident set (VmHWM), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
        return kib / 1024


@contextmanager
def production_stack(
    databases: dict[str, str], log_dir: Path
) -> Iterator[dict[str, RunningService]]:
    """Start each service, one after the other, timing process start to readiness."""
    with ServiceProcesses(
        SERVICES,
        log_of=lambda name: log_dir / f"{name}.log",
        databases=databases,
        env={"LOG_LEVEL": "INFO"},
    ) as services:
        running: dict[str, RunningService] = {}
        for name in SERVICES:
            started = time.monotonic()
            services.start(name)
            # Polled every 10 ms: ready_seconds is one of the figures measured.
            services.wait_ready(name, timeout=60, interval=0.01)
            ready_seconds = time.monotonic() - started
            running[name] = RunningService(
                services.urls[name], services.process(name), ready_seconds
            )
        yield running
