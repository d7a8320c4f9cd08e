"""Fault flags from a real flag file, watched by flagd's in-process OpenFeature provider, in
an app served over real HTTP: flipping the file changes the service within a second."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from fastapi import APIRouter
from prometheus_client.parser import text_string_to_metric_families

from shopkit.app import create_app
from shopkit.auth import public
from shopkit.faults import (
    FaultFlagsReadOnlyError,
    database_fault,
    read_flag_file,
    write_flag_file,
)
from shopkit.faults.flags import ensure_flag_file
from shopkit.metrics import ServiceMetrics
from shopkit.settings import ServiceSettings
from shopkit.wiring import Wired
from testkit.live_server import serve_in_thread

router = APIRouter(dependencies=[public])
# Past the file watcher's poll (0.5 s) with room for a loaded machine.
SWITCH_SECONDS = 1.5


@router.get("/api/inventory/{sku}")
async def stock(sku: str) -> dict[str, str]:
    await database_fault()
    return {"sku": sku}


@asynccontextmanager
async def bootstrap(metrics: ServiceMetrics) -> AsyncIterator[Wired[None]]:
    yield Wired(None)


@pytest.fixture(scope="module")
def flag_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults") / "fault-flags.json"


@pytest.fixture(scope="module")
def base_url(flag_file: Path) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FAULTS_FLAG_FILE", str(flag_file))
        app = create_app(
            service="inventory",
            distribution="shopkit",
            settings=ServiceSettings(),
            routers=[router],
            bootstrap=bootstrap,
        )
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
async def http(base_url: str, flag_file: Path) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=base_url) as session:
        yield session
    write_flag_file(flag_file, {})


async def _within(seconds: float, holds: Callable[[], Awaitable[bool]]) -> float:
    """Seconds until `holds` is true; fails after `seconds`."""
    started = time.monotonic()
    while not await holds():
        assert time.monotonic() - started < seconds, f"not within {seconds}s"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def _status(http: aiohttp.ClientSession, path: str = "/api/inventory/pixel_8") -> int:
    async with http.get(path) as response:
        return response.status


async def _gauge(http: aiohttp.ClientSession, flag: str) -> float:
    async with http.get("/actuator/prometheus") as response:
        text = await response.text()
    return next(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "shopstack_fault_flag_value" and sample.labels == {"flag": flag}
    )


def test_the_service_creates_the_flag_file_with_every_flag_off(
    base_url: str, flag_file: Path
) -> None:
    assert set(read_flag_file(flag_file).values()) == {0}


async def test_switching_errors_on_in_the_file_fails_requests_within_a_second(
    http: aiohttp.ClientSession, flag_file: Path
) -> None:
    assert await _status(http) == 200
    write_flag_file(flag_file, {"inventoryErrorRatio": 1.0})

    async def failing() -> bool:
        return await _status(http) == 500

    await _within(SWITCH_SECONDS, failing)
    assert await _gauge(http, "inventoryErrorRatio") == 1.0
    assert await _status(http, "/actuator/health") == 200

    write_flag_file(flag_file, {})

    async def passing() -> bool:
        return await _status(http) == 200

    await _within(SWITCH_SECONDS, passing)
    assert await _gauge(http, "inventoryErrorRatio") == 0.0


async def test_the_slow_database_flag_delays_requests_that_use_the_database(
    http: aiohttp.ClientSession, flag_file: Path
) -> None:
    write_flag_file(flag_file, {"databaseLatencyMs": 300})

    async def slow() -> bool:
        started = time.monotonic()
        await _status(http)
        return time.monotonic() - started >= 0.3

    await _within(SWITCH_SECONDS + 0.3, slow)
    assert await _gauge(http, "databaseLatencyMs") == 300


async def test_a_broken_flag_file_leaves_the_service_serving(
    http: aiohttp.ClientSession, flag_file: Path
) -> None:
    await asyncio.to_thread(flag_file.write_text, "{not json")
    await asyncio.sleep(SWITCH_SECONDS)
    assert await _status(http) == 200


def test_a_flag_file_that_cannot_be_written_is_refused_as_read_only(tmp_path: Path) -> None:
    # Root ignores file modes: a file where the directory should be fails any write.
    (tmp_path / "flags").write_text("")
    with pytest.raises(FaultFlagsReadOnlyError, match="ConfigMap"):
        write_flag_file(tmp_path / "flags" / "fault-flags.json", {"productUnavailable": True})


def test_a_starting_service_never_overwrites_flags_already_switched_on(tmp_path: Path) -> None:
    flag_file = tmp_path / "fault-flags.json"
    write_flag_file(flag_file, {"productUnavailable": True})
    ensure_flag_file(flag_file)
    assert read_flag_file(flag_file)["productUnavailable"] is True
    assert [path.name for path in tmp_path.iterdir()] == ["fault-flags.json"]
