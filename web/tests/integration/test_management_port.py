"""Metrics, info and the API documents only on the management port; the probes on both.

As Spring Boot's management.server.port: the same process serves both ports, so what the
management port shows is the public port's traffic.
"""

import asyncio
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.config import Settings
from gateway.main import create_app
from testkit.http import assert_problem
from testkit.network import free_port, wait_for_port
from testkit.processes import ServiceProcesses, inherited_environment, stop

from .stand_ins import Gateway, send_raw

MANAGEMENT_ONLY = [
    "/actuator/prometheus",
    "/actuator/info",
    "/actuator",
    "/actuator/no-such-endpoint",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/openapi.json",
]
PROBES = ["/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"]


@pytest.mark.parametrize("path", MANAGEMENT_ONLY)
async def test_a_management_endpoint_is_a_404_problem_on_the_public_port(
    http: aiohttp.ClientSession, path: str
) -> None:
    async with http.get(path) as response:
        await assert_problem(response, 404)


@pytest.mark.parametrize(
    "target",
    [
        "/actuator/prometheus/",
        "//actuator/prometheus",
        "/actuator//prometheus",
        "/actuator/./prometheus",
        "/actuator/health/../prometheus",
        "/actuator/%70rometheus",
        "/actuator%2fprometheus",
        "/%61ctuator/info",
        "/openapi.json/",
        "/%6fpenapi.json",
        "/docs/",
    ],
)
def test_no_spelling_of_a_management_endpoint_is_served_on_the_public_port(
    gateway: Gateway, nothing_forwarded: None, target: str
) -> None:
    answer = send_raw(gateway.url, "GET", target)

    assert answer.status == 404, answer.body
    assert answer.content_type == "application/problem+json"


@pytest.mark.parametrize("path", PROBES)
async def test_the_probes_answer_on_both_ports(
    http: aiohttp.ClientSession, management: aiohttp.ClientSession, path: str
) -> None:
    for session in (http, management):
        async with session.get(path) as response:
            assert response.status == 200
            assert (await response.json())["status"] == "UP"


async def _requests_counted(management: aiohttp.ClientSession) -> set[tuple[str, str]]:
    async with management.get("/actuator/prometheus") as response:
        assert response.status == 200
        text = await response.text()
    return {
        (sample.labels["uri"], sample.labels["status"])
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "http_server_requests_seconds_count"
    }


async def test_the_management_port_serves_metrics_of_the_public_ports_traffic(
    http: aiohttp.ClientSession, management: aiohttp.ClientSession
) -> None:
    async with http.get("/api/order") as response:
        assert response.status == 201
        await response.read()

    # Counted once the answer is sent, which the client may see a moment before.
    deadline = asyncio.get_running_loop().time() + 2
    while ("/api/{path:path}", "201") not in await _requests_counted(management):
        assert asyncio.get_running_loop().time() < deadline, "the request was never counted"
        await asyncio.sleep(0.05)


async def test_the_management_port_serves_info_and_the_api_documents(
    management: aiohttp.ClientSession,
) -> None:
    async with management.get("/actuator/info") as response:
        assert response.status == 200
        assert (await response.json())["build"]["name"] == "gateway"
    async with management.get("/openapi.json") as response:
        assert response.status == 200
        assert (await response.json())["info"]["title"] == "shopstack gateway service"
    for page in ("/docs", "/redoc"):
        async with management.get(page) as response:
            assert response.status == 200
            assert response.content_type == "text/html"


@pytest.mark.parametrize(
    "path", ["/", "/static/js/main.js", "/api/order", "/api/product/allProducts", "/health/order"]
)
async def test_the_management_port_serves_nothing_of_the_shop(
    management: aiohttp.ClientSession, nothing_forwarded: None, path: str
) -> None:
    async with management.get(path) as response:
        await assert_problem(response, 404)


def test_an_app_whose_management_port_is_its_own_port_is_refused() -> None:
    with pytest.raises(ValueError, match="management port"):
        create_app(Settings(port=8123, management_port=8123))


@pytest.fixture
def gateway_process(tmp_path: Path) -> Iterator[ServiceProcesses]:
    """`python -m gateway` as the platform's launcher starts it (bench, end-to-end tests)."""
    with ServiceProcesses(
        ["gateway"], log_of=lambda name: tmp_path / f"{name}.log", env={"LOG_LEVEL": "WARNING"}
    ) as processes:
        processes.start()
        processes.wait_ready()
        yield processes


async def test_the_gateway_process_serves_both_ports_and_stops_both_on_sigterm(
    gateway_process: ServiceProcesses,
) -> None:
    port, management_port = (
        gateway_process.ports["gateway"],
        gateway_process.management_ports["gateway"],
    )
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/actuator/prometheus") as response:
            assert response.status == 404
        async with session.get(
            f"http://127.0.0.1:{management_port}/actuator/prometheus"
        ) as response:
            assert response.status == 200
            assert "http_server_requests_seconds" in await response.text()

    # uvicorn drains, then lets the signal it caught end the process.
    assert stop(gateway_process.process("gateway"), signal.SIGTERM) == -signal.SIGTERM
    for closed_port in (port, management_port):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", closed_port), timeout=1).close()


def test_the_gateway_does_not_start_when_its_management_port_is_taken() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        management_port = taken.getsockname()[1]
        port = free_port()
        env = inherited_environment() | {
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(port),
            "GATEWAY_MANAGEMENT_PORT": str(management_port),
        }
        result = subprocess.run(
            [sys.executable, "-m", "gateway"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"the management port 127.0.0.1:{management_port} cannot be bound" in output
    with pytest.raises(TimeoutError):
        wait_for_port(port, timeout=0.5)
