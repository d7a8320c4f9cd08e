"""`shopstack smoke`, the pipeline's health validation, against the running platform."""

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.availability import require
from testkit.network import free_port

from .stack import Processes, Stack, make_up, service_processes

SHOPSTACK = str(Path(sys.executable).parent / "shopstack")


def smoke(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SHOPSTACK, "smoke", *arguments], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("smoke")
    with make_up(workdir / "data", workdir / "make-up.log") as running:
        yield running


@pytest.fixture(scope="module")
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prometheus scraping every service of the stack."""
    binary = shutil.which("prometheus")
    require(binary is not None, "prometheus is not installed (Debian package prometheus)")
    assert binary is not None
    workdir = tmp_path_factory.mktemp("prometheus")
    targets = ", ".join(f"'{url.removeprefix('http://')}'" for url in stack.urls.values())
    config = workdir / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: shopstack\n    metrics_path: /actuator/prometheus\n"
        f"    static_configs: [{{targets: [{targets}]}}]\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--storage.tsdb.path={workdir / 'data'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while b'"health":"up"' not in _get(
            f"{url}/api/v1/targets"
        ) or b'"health":"unknown"' in _get(f"{url}/api/v1/targets"):
            assert time.monotonic() < deadline, "Prometheus never scraped the stack"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bytes(response.read())
    except OSError:
        return b""


def test_smoke_passes_on_a_healthy_platform_and_leaves_no_stock_behind(
    stack: Stack, prometheus: str
) -> None:
    result = smoke("--base-url", stack.urls["gateway"], "--prometheus-url", prometheus)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed, 0 failed" in result.stdout
    levels = stack.get_json("inventory", "/api/inventory?skuCode=shopstack_smoke_probe")
    assert levels[0]["quantity"] == 0


def test_the_pipelines_verify_stage_passes_on_the_same_platform(stack: Stack) -> None:
    verify = Path(__file__).resolve().parents[2] / "ci" / "verify.sh"

    result = subprocess.run(
        [str(verify), "--base-url", stack.urls["gateway"]],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed, 0 failed" in result.stdout


@pytest.fixture
def separate_services(tmp_path: Path) -> Iterator[Processes]:
    with service_processes(tmp_path / "data", tmp_path / "services.log") as running:
        yield running


def test_smoke_fails_naming_the_service_that_is_down(separate_services: Processes) -> None:
    separate_services.stop("inventory")

    result = smoke("--base-url", separate_services.urls["gateway"], "--timeout", "5")

    assert result.returncode == 1
    assert "FAIL  inventory:" in result.stdout
    assert "ok    product is ready" in result.stdout


def test_smoke_fails_when_nothing_answers() -> None:
    result = smoke("--base-url", f"http://127.0.0.1:{free_port()}")

    assert result.returncode == 1
    assert "FAIL  gateway:" in result.stdout


def test_the_load_generator_runs_every_scenario_without_a_failure(stack: Stack) -> None:
    repo = Path(__file__).resolve().parents[2]
    locust = str(Path(sys.executable).parent / "locust")

    result = subprocess.run(
        [
            locust,
            "-f",
            str(repo / "deploy" / "k8s" / "components" / "loadgen" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            "6",
            "-r",
            "6",
            "-t",
            "4s",
            "--host",
            stack.urls["gateway"],
            "Shopper",
            "FlashSaleBuyer",
            "UniformBuyer",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "place order" in report
    assert "Aggregated" in report
