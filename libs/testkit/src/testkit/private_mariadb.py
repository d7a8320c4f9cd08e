"""A MariaDB server of a test's own: `mariadbd` on a temporary data directory, its own
loopback port and socket, which the test may kill -9 and start again without touching the
machine's shared server that other tests use."""

import getpass
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from testkit.availability import require
from testkit.mariadb import execute_now
from testkit.network import free_port
from testkit.processes import LaunchError, spawn, stop

SERVER = "mariadbd"
INSTALLER = "mariadb-install-db"
USER = "shopstack"
START_TIMEOUT = 30.0
LOG_TAIL = 3000


def require_mariadb_server() -> None:
    """Skip (locally) or fail (in CI) unless mariadbd and mariadb-install-db are installed."""
    missing = [tool for tool in (SERVER, INSTALLER) if shutil.which(tool) is None]
    require(not missing, f"{' and '.join(missing)} not installed (Debian: mariadb-server)")


class PrivateMariaDB:
    """One `mariadbd` of this test run's, on `workdir`/data. `start()` after `kill()` runs
    crash recovery on the same data, as a restarted database pod would."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.datadir = workdir / "data"
        self.log = workdir / "mariadbd.log"
        # The services' account: a generated password, never a fixed one.
        self.password = secrets.token_urlsafe(24)
        # Who start() checks the server with: root until the services' account exists.
        self._account = ("root", "")
        self._process: subprocess.Popen[bytes] | None = None

    def install(self) -> None:
        """Create the system tables in a fresh data directory and start the server."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(
            [
                INSTALLER,
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--user={getpass.getuser()}",
                # Root without a password, reachable only on this server's loopback port and
                # only long enough to create the services' account.
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            output = (installed.stdout + installed.stderr)[-LOG_TAIL:]
            raise LaunchError(f"{INSTALLER} exited with {installed.returncode}:\n{output}")
        self.start()
        execute_now(
            f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{self.password}'",
            f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'127.0.0.1'",
            "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1'",
            host="127.0.0.1",
            port=self.port,
            user="root",
            password="",
        )
        self._account = (USER, self.password)

    def start(self) -> None:
        """Start the server on the data directory and wait until it answers a query."""
        self._process = spawn(
            [
                SERVER,
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--socket={self.workdir / 'mariadbd.sock'}",
                f"--pid-file={self.workdir / 'mariadbd.pid'}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--user={getpass.getuser()}",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--max-connections=500",
                "--innodb-buffer-pool-size=64M",
                # A killed process loses nothing the kernel already holds: only a machine
                # crash would, which this server is not tested against.
                "--innodb-flush-log-at-trx-commit=2",
            ],
            self.log,
        )
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise self._failure(f"exited with status {self._process.returncode}")
            try:
                user, password = self._account
                execute_now(
                    "SELECT 1", host="127.0.0.1", port=self.port, user=user, password=password
                )
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise self._failure(f"does not answer after {START_TIMEOUT} s") from None
                time.sleep(0.05)

    def _failure(self, what: str) -> LaunchError:
        tail = self.log.read_text(errors="replace")[-LOG_TAIL:] if self.log.exists() else ""
        return LaunchError(f"{SERVER} {what}; the end of {self.log}:\n{tail}")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush; open connections are simply cut."""
        if self._process is not None:
            stop(self._process, signal.SIGKILL)
            self._process = None

    def database_url(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on this server (created if it does not exist)."""
        execute_now(
            f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4",
            host="127.0.0.1",
            port=self.port,
            user=USER,
            password=self.password,
        )
        return (
            f"mysql+asyncmy://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"
            "?charset=utf8mb4"
        )

    def close(self) -> None:
        """Stop the server and remove its data."""
        if self._process is not None:
            stop(self._process)
            self._process = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@contextmanager
def private_mariadb(workdir: Path) -> Iterator[PrivateMariaDB]:
    """A private server installed in `workdir`, running for the block, then removed."""
    require_mariadb_server()
    with PrivateMariaDB(workdir) as server:
        server.install()
        yield server
