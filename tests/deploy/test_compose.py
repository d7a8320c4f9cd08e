"""The compose stack as Compose v2 itself resolves it (`config --format json`).

No Docker engine runs on the build machines, so the stack is not started here: these tests
read the model Compose would run.
"""

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from .compose_env import (
    CLIENT_SECRETS,
    COMPOSE,
    ENV_EXAMPLE,
    GENERATED,
    KEYCLOAK_OVERRIDE,
    env_file,
)
from .images import DOCKERFILE, build_args
from .loadgen import LOCUSTFILE
from .paths import REPO, compose_binary

MONITORING = REPO / "deploy" / "monitoring"
PORTS = {
    "gateway": 8000,
    "product": 8080,
    "inventory": 8081,
    "order": 8082,
    "identity": 8083,
    "prometheus": 9090,
    "grafana": 3000,
    "alertmanager": 9093,
    "loki": 3100,
    "tempo": 3200,
}


# The services that verify tokens, and the one that issues them.
VERIFIERS = ("product", "inventory", "order", "gateway")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = env_file(tmp_path_factory.mktemp("compose"))
    command = [compose_binary(), "-f", str(COMPOSE), "--env-file", str(env)]
    out = subprocess.run(
        [*command, "config", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def services(stack: dict[str, Any]) -> dict[str, Any]:
    return stack["services"]  # type: ignore[no-any-return]


def test_the_whole_stack_is_there(stack: dict[str, Any]) -> None:
    assert set(services(stack)) == {
        *PORTS,
        "identity-migrate",
        "inventory-migrate",
        "order-migrate",
        "mongodb",
        "mysql",
        "redis",
        "mysqld-exporter",
        "mongodb-exporter",
        "otel-collector",
        "promtail",
    }


def test_each_ui_and_api_is_published_on_its_port_and_the_databases_are_not(
    stack: dict[str, Any],
) -> None:
    for name, port in PORTS.items():
        published = [int(p["published"]) for p in services(stack)[name].get("ports", [])]
        assert published == [port], name
    assert {int(p["published"]) for p in services(stack)["otel-collector"]["ports"]} == {
        4317,
        4318,
    }
    for name in ("mysql", "mongodb", "redis", "mysqld-exporter", "mongodb-exporter"):
        assert "ports" not in services(stack)[name], name


@pytest.mark.parametrize(
    ("service", "needs"),
    [
        ("product", {"mongodb": "service_healthy"}),
        ("identity-migrate", {"mysql": "service_healthy"}),
        (
            "identity",
            {"mysql": "service_healthy", "identity-migrate": "service_completed_successfully"},
        ),
        ("inventory-migrate", {"mysql": "service_healthy"}),
        (
            "inventory",
            {"mysql": "service_healthy", "inventory-migrate": "service_completed_successfully"},
        ),
        (
            "order",
            {
                "mysql": "service_healthy",
                "order-migrate": "service_completed_successfully",
                "product": "service_healthy",
                "inventory": "service_healthy",
                # Its own token, for its calls to inventory.
                "identity": "service_healthy",
            },
        ),
        (
            "gateway",
            {
                # Its session store.
                "redis": "service_healthy",
                "product": "service_healthy",
                "inventory": "service_healthy",
                "order": "service_healthy",
                "identity": "service_healthy",
            },
        ),
        ("mysqld-exporter", {"mysql": "service_healthy"}),
        ("mongodb-exporter", {"mongodb": "service_healthy"}),
        ("grafana", {"prometheus": "service_healthy"}),
    ],
)
def test_services_start_only_when_what_they_need_is_healthy(
    stack: dict[str, Any], service: str, needs: dict[str, str]
) -> None:
    depends = services(stack)[service]["depends_on"]
    for dependency, condition in needs.items():
        assert depends[dependency]["condition"] == condition, dependency
        gate = services(stack)[dependency]
        if condition == "service_healthy":
            assert gate["healthcheck"]["test"], dependency


@pytest.mark.parametrize(
    ("service", "image"),
    [
        ("product", "product"),
        ("inventory-migrate", "inventory"),
        ("order-migrate", "order"),
        ("identity-migrate", "identity"),
        ("gateway", "gateway"),
    ],
)
def test_each_image_is_built_from_the_one_dockerfile_with_the_pipelines_build_args(
    stack: dict[str, Any], service: str, image: str
) -> None:
    build = services(stack)[service]["build"]
    assert Path(build["context"]) == REPO
    assert REPO / build["dockerfile"] == DOCKERFILE
    assert build["args"] == build_args(image)
    assert int(build["args"]["PORT"]) == PORTS[image]


def test_migrations_run_once_before_the_services_which_then_skip_their_own(
    stack: dict[str, Any],
) -> None:
    for service in ("inventory", "order", "identity"):
        migrate = services(stack)[f"{service}-migrate"]
        assert migrate["command"] == ["migrate"]
        assert migrate["restart"] == "no"
        assert services(stack)[service]["environment"][f"{service.upper()}_MIGRATE_ON_START"] == (
            "false"
        )


def test_the_services_run_read_only_without_capabilities(stack: dict[str, Any]) -> None:
    for name in (*VERIFIERS, "identity", "inventory-migrate", "order-migrate", "identity-migrate"):
        service = services(stack)[name]
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        # Readiness (their own store), not the image's liveness, gates what depends on them.
        if "healthcheck" in service:
            assert "/actuator/health/readiness" in service["healthcheck"]["test"][-1]


def test_monitoring_configs_are_mounted_read_only_from_deploy_monitoring(
    stack: dict[str, Any],
) -> None:
    mounted = []
    for name, service in services(stack).items():
        for volume in service.get("volumes", []):
            source = Path(volume.get("source", ""))
            if volume["type"] == "bind" and MONITORING in source.parents:
                assert volume["read_only"] is True, (name, source)
                mounted.append(source.relative_to(MONITORING).as_posix())
    assert sorted(mounted) == [
        "alertmanager",
        "grafana/dashboards",
        "grafana/provisioning",
        "loki/loki.yml",
        "otel-collector/otel-collector.yml",
        "prometheus",
        "promtail/promtail.yml",
        "tempo/tempo.yml",
    ]
    for path in mounted:
        assert (MONITORING / path).exists(), path


def test_data_lives_in_named_volumes(stack: dict[str, Any]) -> None:
    for name, path in (
        ("mysql", "/var/lib/mysql"),
        ("mongodb", "/data/db"),
        ("prometheus", "/prometheus"),
        ("grafana", "/var/lib/grafana"),
        ("loki", "/loki"),
        ("tempo", "/var/tempo"),
        ("alertmanager", "/alertmanager"),
    ):
        volumes = {v["target"]: v for v in services(stack)[name]["volumes"]}
        assert volumes[path]["type"] == "volume", name
        assert volumes[path]["source"] in stack["volumes"]


def test_the_services_send_traces_to_the_collector(stack: dict[str, Any]) -> None:
    for name in (*VERIFIERS, "identity"):
        environment = services(stack)[name]["environment"]
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"


def test_every_service_accepts_the_identity_services_tokens_fetching_its_keys_inside(
    stack: dict[str, Any],
) -> None:
    identity = services(stack)["identity"]["environment"]
    for name in VERIFIERS:
        environment = services(stack)[name]["environment"]
        # The issuer in the tokens is the one browsers sign in at; the keys come from inside.
        assert environment["AUTH_ISSUER"] == identity["IDENTITY_ISSUER"], name
        assert environment["AUTH_AUDIENCE"] == identity["IDENTITY_AUDIENCE"], name
        assert environment["AUTH_JWKS_URL"] == "http://identity:8083/jwks", name
    # The issuer is where identity is published: browsers reach the sign-in page there.
    assert identity["IDENTITY_ISSUER"] == f"http://127.0.0.1:{PORTS['identity']}"
    assert identity["AUTH_ISSUER"] == identity["IDENTITY_ISSUER"]


def test_the_order_service_gets_its_token_with_the_secret_identity_holds_for_it(
    stack: dict[str, Any],
) -> None:
    order = services(stack)["order"]["environment"]
    identity = services(stack)["identity"]["environment"]
    assert order["ORDER_CLIENT_ID"] == "order-service"
    assert order["ORDER_TOKEN_URL"] == "http://identity:8083/token"
    assert order["ORDER_CLIENT_SECRET"] == identity["IDENTITY_ORDER_SERVICE_CLIENT_SECRET"]
    # At least the 32 characters the identity service requires.
    assert len(order["ORDER_CLIENT_SECRET"]) >= 32


def test_the_gateway_signs_in_as_the_confidential_storefront_with_the_secret_identity_holds(
    stack: dict[str, Any],
) -> None:
    gateway = services(stack)["gateway"]["environment"]
    identity = services(stack)["identity"]["environment"]
    assert gateway["GATEWAY_OIDC_CLIENT_ID"] == "storefront"
    secret = gateway["GATEWAY_OIDC_CLIENT_SECRET"]
    assert secret == identity["IDENTITY_STOREFRONT_CLIENT_SECRET"]
    assert len(secret) >= 32
    # One source only: the gateway refuses to start with both.
    assert "GATEWAY_OIDC_CLIENT_SECRET_FILE" not in gateway


# Each generated client secret, as the identity service is given it, and every service that
# may hold it: the issuer and the one client that authenticates with it.
CLIENT_SECRET_HOLDERS = {
    "IDENTITY_ORDER_SERVICE_CLIENT_SECRET": {"identity", "order"},
    "IDENTITY_SMOKE_CLIENT_SECRET": {"identity"},
    "IDENTITY_STOREFRONT_CLIENT_SECRET": {"identity", "gateway"},
}


def test_each_client_secret_is_its_own_and_reaches_only_the_issuer_and_its_client(
    stack: dict[str, Any],
) -> None:
    identity = services(stack)["identity"]["environment"]
    secrets = {variable: identity[variable] for variable in CLIENT_SECRET_HOLDERS}
    assert len(set(secrets.values())) == len(secrets)
    assert len(secrets) == len(CLIENT_SECRETS)
    for variable, secret in secrets.items():
        holders = {
            name for name, service in services(stack).items() if secret in json.dumps(service)
        }
        # Keycloak, under its profile, holds the order service's and the storefront's too
        # (test_keycloak_realm).
        assert holders == CLIENT_SECRET_HOLDERS[variable], variable
    # No other service is given a client secret at all.
    for name, service in services(stack).items():
        given = [key for key in service.get("environment", {}) if "CLIENT_SECRET" in key]
        if name not in ("order", "identity", "gateway"):
            assert not given, name


def test_the_generated_credentials_have_no_value_until_generated(tmp_path: Path) -> None:
    committed = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if "=" in line
    )
    assert {name: committed[name] for name in GENERATED} == dict.fromkeys(GENERATED, "")
    assert set(CLIENT_SECRETS) <= set(GENERATED)
    result = subprocess.run(
        [compose_binary(), "-f", str(COMPOSE), "--env-file", str(ENV_EXAMPLE), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert re.search(
        r"required variable \w+ is missing a value: generate it into \.env", result.stderr
    )


# The documents that tell how to make .env, and a line of the shell block that does it.
ENV_RECIPES = {
    "deploy.md": "cp .env.example .env",
    "identity-providers.md": "cd deploy/compose && cp .env.example .env",
}
# The lines of such a block that make .env (run inside deploy/compose): not cd, not docker.
RECIPE_LINE = re.compile(r"^(cp |sed |for |done\b|\s+sed )")


def env_recipe(document: str) -> str:
    """The shell lines of `document`'s block that copy .env.example and generate its values."""
    text = (REPO / "docs" / document).read_text()
    blocks = re.findall(r"^( *)```sh\n(.*?)^\1```", text, re.MULTILINE | re.DOTALL)
    (block,) = [
        textwrap.dedent(body)
        for _, body in blocks
        if ENV_RECIPES[document] in body and "sed -i" in body
    ]
    lines = [line.removeprefix("cd deploy/compose && ") for line in block.splitlines()]
    return "\n".join(line for line in lines if RECIPE_LINE.match(line))


@pytest.mark.parametrize("document", ENV_RECIPES)
def test_the_documented_steps_make_a_env_compose_accepts_with_and_without_keycloak(
    tmp_path: Path, document: str
) -> None:
    assert shutil.which("openssl"), "the documented steps generate with openssl"
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env.example")
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", env_recipe(document)], cwd=tmp_path, check=True
    )
    env = tmp_path / ".env"
    for files in ([COMPOSE], [COMPOSE, KEYCLOAK_OVERRIDE]):
        command = [compose_binary()]
        for file in files:
            command += ["-f", str(file)]
        command += ["--env-file", str(env)]
        result = subprocess.run(
            [*command, "--profile", "keycloak", "config", "-q"],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 0, (document, result.stderr)


@pytest.mark.parametrize("missing", GENERATED)
def test_compose_refuses_to_start_while_any_generated_credential_is_missing(
    tmp_path: Path, missing: str
) -> None:
    env = env_file(tmp_path)
    env.write_text(re.sub(rf"^{missing}=.*$", f"{missing}=", env.read_text(), flags=re.MULTILINE))
    result = subprocess.run(
        [compose_binary(), "-f", str(COMPOSE), "--env-file", str(env), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert f"required variable {missing} is missing a value: generate it into .env" in (
        result.stderr
    )


def test_the_gateway_keeps_its_sessions_in_redis_with_the_password_redis_requires(
    stack: dict[str, Any],
) -> None:
    redis = services(stack)["redis"]
    gateway = services(stack)["gateway"]["environment"]
    command = redis["command"]
    password = command[command.index("--requirepass") + 1]
    # A generated one (openssl rand -hex 32), the same in the gateway's URL and the health check.
    assert re.fullmatch(r"[0-9a-f]{64}", password)
    assert gateway["GATEWAY_SESSION_STORE_URL"] == f"redis://:{password}@redis:6379/0"
    assert redis["environment"] == {"REDISCLI_AUTH": password}
    assert "redis-cli ping" in redis["healthcheck"]["test"][-1]
    # Only the gateway is given it.
    for name, service in services(stack).items():
        if name not in ("gateway", "redis"):
            assert password not in json.dumps(service), name


def test_redis_persists_nothing_and_runs_read_only_without_capabilities(
    stack: dict[str, Any],
) -> None:
    redis = services(stack)["redis"]
    assert re.fullmatch(r"redis:7\.2\.\d+-alpine", redis["image"])
    command = redis["command"]
    # No RDB snapshot, no append-only file: sessions die with the container, tokens never
    # reach a disk.
    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"
    assert "volumes" not in redis
    assert redis["tmpfs"] == ["/data"]
    assert redis["read_only"] is True
    assert redis["cap_drop"] == ["ALL"]
    assert "cap_add" not in redis
    assert "no-new-privileges:true" in redis["security_opt"]
    # Not root: the image's entrypoint then never needs a capability to drop privileges.
    assert redis["user"] == "redis"
    # It evicts before the container's memory runs out.
    maxmemory = command[command.index("--maxmemory") + 1]
    assert int(maxmemory.removesuffix("mb")) * 2**20 < int(redis["mem_limit"])


def test_the_storefront_signs_in_at_the_issuer_and_is_sent_back_to_its_published_url(
    stack: dict[str, Any],
) -> None:
    gateway = services(stack)["gateway"]["environment"]
    identity = services(stack)["identity"]["environment"]
    public_url = gateway["GATEWAY_PUBLIC_URL"]
    assert public_url == f"http://127.0.0.1:{PORTS['gateway']}"
    assert gateway["GATEWAY_OIDC_CLIENT_ID"] == "storefront"
    assert identity["IDENTITY_STOREFRONT_REDIRECT_URIS"] == f"{public_url}/auth/callback"
    assert identity["IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS"] == f"{public_url}/"
    # Its own calls to the issuer stay inside the network; browsers use AUTH_ISSUER.
    assert gateway["GATEWAY_OIDC_BACKCHANNEL_URL"] == "http://identity:8083"
    assert gateway["AUTH_ISSUER"] == identity["IDENTITY_ISSUER"]


def test_the_identity_database_is_created_by_the_shared_init_script(
    stack: dict[str, Any],
) -> None:
    mysql = services(stack)["mysql"]
    identity = services(stack)["identity"]["environment"]
    password = mysql["environment"]["IDENTITY_DB_PASSWORD"]
    assert identity["IDENTITY_DATABASE_URL"] == (
        f"mysql+asyncmy://identity:{password}@mysql:3306/identity?charset=utf8mb4"
    )
    init = REPO / "deploy" / "k8s" / "base" / "mysql" / "init"
    assert {"source": str(init), "target": "/docker-entrypoint-initdb.d"}.items() <= next(
        v for v in mysql["volumes"] if v["target"] == "/docker-entrypoint-initdb.d"
    ).items()


def test_the_load_generator_is_an_optional_profile_aimed_at_the_gateway(
    tmp_path: Path,
) -> None:
    command = [compose_binary(), "-f", str(COMPOSE), "--env-file", str(env_file(tmp_path))]

    with_profile = json.loads(
        subprocess.run(
            [*command, "--profile", "load", "config", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )

    loadgen = with_profile["services"]["loadgen"]
    assert "--host=http://gateway:8000" in loadgen["command"]
    [mount] = loadgen["volumes"]
    assert Path(mount["source"]) == LOCUSTFILE
    assert mount["read_only"] is True
    assert Path(mount["source"]).exists()
