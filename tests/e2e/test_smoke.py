"""`shopstack smoke`, the pipeline's health validation, against the running platform: it
authenticates as the smoke client (client credentials, the secret the identity service
generated), and fails without it, with a wrong one, or with a service stopped."""

import re
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
from testkit.processes import inherited_environment

from .stack import Processes, Stack, make_up, service_processes

SHOPSTACK = str(Path(sys.executable).parent / "shopstack")


def smoke(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SHOPSTACK, "smoke", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment_without_smoke_settings() | (env or {}),
    )


def environment_without_smoke_settings() -> dict[str, str]:
    """This environment without SHOPSTACK_*: each test gives the command its own."""
    inherited = inherited_environment()
    return {name: value for name, value in inherited.items() if not name.startswith("SHOPSTACK_")}


def as_smoke_client(identity_url: str, secret_file: Path) -> tuple[str, ...]:
    return ("--issuer-url", identity_url, "--client-secret-file", str(secret_file))


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
    targets = ", ".join(f"'{url.removeprefix('http://')}'" for url in stack.metrics_urls.values())
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
    result = smoke(
        "--base-url",
        stack.urls["gateway"],
        "--prometheus-url",
        prometheus,
        *as_smoke_client(stack.urls["identity"], stack.secrets_dir / "smoke"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed, 0 failed" in result.stdout
    assert f"ok    the issuer {stack.urls['identity']} gave client smoke a token" in result.stdout
    assert "ok    without a token, setting stock, creating products and listing orders" in (
        result.stdout
    )
    levels = stack.get_json("inventory", "/api/inventory?skuCode=shopstack_smoke_probe")
    assert levels[0]["quantity"] == 0
    assert stack.client_secret("smoke") not in result.stdout + result.stderr


def test_the_pipelines_verify_stage_passes_on_the_same_platform(stack: Stack) -> None:
    verify = Path(__file__).resolve().parents[2] / "ci" / "verify.sh"
    secret = stack.client_secret("smoke")

    result = subprocess.run(
        [str(verify), "--base-url", stack.urls["gateway"]],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment_without_smoke_settings()
        | {"SHOPSTACK_ISSUER_URL": stack.urls["identity"], "SHOPSTACK_CLIENT_SECRET": secret},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed, 0 failed" in result.stdout
    assert "--client-id smoke" in result.stdout
    assert secret not in result.stdout + result.stderr


def test_smoke_without_a_client_secret_fails_the_identity_check_and_writes_nothing(
    stack: Stack,
) -> None:
    result = smoke("--base-url", stack.urls["gateway"], "--issuer-url", stack.urls["identity"])

    assert result.returncode == 1
    assert "FAIL  identity: no client secret: set SHOPSTACK_CLIENT_SECRET" in result.stdout
    assert "FAIL  order round trip: no access token" in result.stdout
    assert "ok    without a token, setting stock" in result.stdout


def test_smoke_with_a_wrong_secret_fails_naming_the_refusal_not_the_secret(stack: Stack) -> None:
    wrong = "not-the-smoke-secret-" + "x" * 24

    result = smoke(
        "--base-url",
        stack.urls["gateway"],
        "--issuer-url",
        stack.urls["identity"],
        env={"SHOPSTACK_CLIENT_SECRET": wrong},
    )

    assert result.returncode == 1
    assert "FAIL  identity: the token endpoint (client smoke)" in result.stdout
    assert "answered 401 (invalid_client)" in result.stdout
    assert wrong not in result.stdout + result.stderr


@pytest.fixture
def separate_services(tmp_path: Path) -> Iterator[Processes]:
    with service_processes(tmp_path / "data", tmp_path / "services.log") as running:
        yield running


def test_smoke_fails_naming_the_service_that_is_down(separate_services: Processes) -> None:
    separate_services.stop("inventory")

    result = smoke(
        "--base-url",
        separate_services.urls["gateway"],
        "--timeout",
        "5",
        *as_smoke_client(
            separate_services.urls["identity"], separate_services.secret_file("smoke")
        ),
    )

    assert result.returncode == 1
    assert "FAIL  inventory:" in result.stdout
    assert "ok    product is ready" in result.stdout
    assert "ok    the issuer" in result.stdout


def test_smoke_fails_when_nothing_answers() -> None:
    result = smoke("--base-url", f"http://127.0.0.1:{free_port()}")

    assert result.returncode == 1
    assert "FAIL  gateway:" in result.stdout


def test_the_load_generator_runs_every_scenario_without_a_failure(stack: Stack) -> None:
    repo = Path(__file__).resolve().parents[2]
    locust = str(Path(sys.executable).parent / "locust")
    admin = {
        "LOADGEN_TOKEN_URL": stack.urls["identity"] + "/token",
        "LOADGEN_CLIENT_SECRET_FILE": str(stack.secrets_dir / "smoke"),
    }

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
            "StockKeeper",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=inherited_environment() | admin,
    )

    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    for request in ("place order", "catalog", "token", "restock"):
        assert re.search(rf"^\s*\S+\s+{request}\s+\d+\s+0\(0\.00%\)", report, re.M), request
    assert "Aggregated" in report
