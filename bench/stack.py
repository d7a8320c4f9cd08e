"""The three services as production runs them: separate processes on MariaDB."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from testkit.network import free_port

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


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/actuator/health/readiness", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def production_stack(
    databases: dict[str, str], log_dir: Path
) -> Iterator[dict[str, RunningService]]:
    """Start each service, one after the other, timing process start to readiness."""
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    running: dict[str, RunningService] = {}
    try:
        for name in SERVICES:
            prefix = name.upper()
            env = os.environ | {
                f"{prefix}_PORT": str(ports[name]),
                f"{prefix}_DATABASE_URL": databases[name],
                "LOG_LEVEL": "INFO",
                "ORDER_PRODUCT_URL": urls["product"],
                "ORDER_INVENTORY_URL": urls["inventory"],
            }
            started = time.monotonic()
            log = (log_dir / f"{name}.log").open("wb")
            process = subprocess.Popen(
                [sys.executable, "-m", f"{name}_service"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            while not _ready(urls[name]):
                if process.poll() is not None or time.monotonic() - started > 60:
                    raise RuntimeError(f"{name} did not start; see {log_dir / name}.log")
                time.sleep(0.01)
            running[name] = RunningService(urls[name], process, time.monotonic() - started)
        yield running
    finally:
        for service in running.values():
            service.process.terminate()
        for service in running.values():
            service.process.wait(timeout=15)
