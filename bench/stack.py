"""The three services as production runs them: separate processes on MariaDB, verifying the
tokens of the identity service, which runs beside them (on SQLite, unmeasured: it only signs
the order service's token and the seed's, once each)."""

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from testkit.processes import IDENTITY, ServiceProcesses

SERVICES = ("product", "inventory", "order")
ADMIN_CLIENT = "smoke"
"""The client whose token seeds the catalog and the stock: it has the admin role."""


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
) -> Iterator[tuple[dict[str, RunningService], Callable[[], str]]]:
    """Start the identity service, then each measured service one after the other, timing
    process start to readiness; yields them and how to get an admin's token."""
    with ServiceProcesses(
        (IDENTITY, *SERVICES),
        log_of=lambda name: log_dir / f"{name}.log",
        databases=databases | {IDENTITY: f"sqlite+aiosqlite:///{log_dir}/identity.db"},
        env={"LOG_LEVEL": "INFO"},
        secrets_dir=log_dir / "secrets",
    ) as services:
        services.start(IDENTITY)
        services.wait_ready(IDENTITY)
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
        yield running, lambda: services.access_token(ADMIN_CLIENT)
