"""The finding, on the real order service process: four 100 MiB bodies at once are refused
413 at once, before they are read, and the process does not grow by what they carry."""

import asyncio
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.processes import ServiceProcesses

HUNDRED_MIB = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def order_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcesses]:
    logs = tmp_path_factory.mktemp("edge-limits")
    database = f"sqlite+aiosqlite:///{logs}/order.db"
    with ServiceProcesses(
        ["order"],
        log_of=lambda name: logs / f"{name}.log",
        databases={"order": database},
        # Never used here: no order gets as far as calling inventory.
        env_of={"order": {"ORDER_CLIENT_SECRET": secrets.token_urlsafe(24)}},
    ) as processes:
        processes.start()
        processes.wait_ready()
        yield processes


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def send_hundred_mib(port: int) -> tuple[bytes, float]:
    """Declares a 100 MiB body and sends its first bytes; the status line, and when it came.

    The rest is never sent: an answer that waited for the body (reading it) would not come.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(
        b"POST /api/order/create HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % HUNDRED_MIB + b'{"lines": [' + b" " * 4096
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    elapsed = time.monotonic() - started
    writer.close()
    return status_line, elapsed


async def test_four_hundred_mib_bodies_at_once_are_refused_413_without_the_memory(
    order_service: ServiceProcesses,
) -> None:
    pid = order_service.process("order").pid
    before = resident_mib(pid)
    answers = await asyncio.gather(
        *(send_hundred_mib(order_service.ports["order"]) for _ in range(4))
    )
    assert [status_line.split()[1] for status_line, _ in answers] == [b"413"] * 4
    assert all(elapsed < 2 for _, elapsed in answers)
    assert resident_mib(pid) - before < 50
