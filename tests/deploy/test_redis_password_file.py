"""The rendered Redis pod's password path, run for real: its init container's script writes
`requirepass` from the Secret's file, the redis.conf of its ConfigMap includes it, and the real
redis-server then refuses a client without the password and answers the probes' redis-cli."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.availability import require

from .test_kubernetes_manifests import named, of_kind, pod_spec

Objects = dict[str, list[dict[str, Any]]]
SECRET_DIR = "/var/run/secrets/shopstack/redis"
AUTH_DIR = "/var/run/redis-auth"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(port: int, *args: str, password: str | None = None) -> str:
    env = {"PATH": "/usr/bin:/bin"} | ({"REDISCLI_AUTH": password} if password else {})
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


@pytest.fixture
def redis_as_rendered(rendered: Objects, tmp_path: Path) -> Iterator[tuple[int, str]]:
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    objects = rendered["aks"]
    redis = named(objects, "Deployment", "redis")
    (init,) = pod_spec(redis)["initContainers"]
    config_name = next(
        v["configMap"]["name"] for v in pod_spec(redis)["volumes"] if v["name"] == "config"
    )
    (config,) = [c for c in of_kind(objects, "ConfigMap") if c["metadata"]["name"] == config_name]
    password = "0f" * 32
    (tmp_path / "password").write_text(password)
    # The pod's paths, moved into the test's folder.
    script = init["command"][-1].replace(SECRET_DIR, str(tmp_path)).replace(AUTH_DIR, str(tmp_path))
    subprocess.run(["sh", "-c", script], check=True)
    conf = tmp_path / "redis.conf"
    conf.write_text(config["data"]["redis.conf"].replace(AUTH_DIR, str(tmp_path)))
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            str(conf),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            if cli(port, "ping"):
                break
            time.sleep(0.1)
        yield port, password
    finally:
        server.terminate()
        server.wait(10)


def test_redis_takes_its_password_from_the_file_the_init_container_wrote(
    redis_as_rendered: tuple[int, str], tmp_path: Path
) -> None:
    port, password = redis_as_rendered
    assert (tmp_path / "auth.conf").stat().st_mode & 0o777 == 0o440
    assert "NOAUTH" in cli(port, "ping")
    assert cli(port, "ping", password=password) == "PONG"
    # No RDB snapshot: an empty save schedule.
    assert cli(port, "config", "get", "save", password=password).split() == ["save"]
    policy = cli(port, "config", "get", "maxmemory-policy", password=password)
    assert policy.splitlines() == ["maxmemory-policy", "volatile-lru"]
    appendonly = cli(port, "config", "get", "appendonly", password=password)
    assert appendonly.splitlines() == ["appendonly", "no"]
