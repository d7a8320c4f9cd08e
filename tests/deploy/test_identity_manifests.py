"""The identity service in the rendered overlays, and what every other service is told about it:
one issuer and audience for the whole platform, keys and tokens from its Service, its pages on
an Ingress host of its own, the storefront (the gateway) its OIDC client at the shop's host,
the client secrets as files of a generated Secret that only identity and each client mount
(the order service, and the gateway: the storefront is a confidential client)."""

from typing import Any
from urllib.parse import urlsplit

import pytest

from .paths import OVERLAYS
from .test_kubernetes_manifests import all_containers, named, of_kind, pod_spec

Objects = dict[str, list[dict[str, Any]]]
VERIFIERS = ("product", "inventory", "order", "gateway")
# The issuer is the identity service's own host; the shop is on another.
ISSUERS = {"microk8s": "https://id.shop.localhost", "aks": "https://id.shop.example.com"}
STOREFRONTS = {"microk8s": "https://shop.localhost", "aks": "https://shop.example.com"}
IDENTITY_URL = "http://identity:8083"


def config_map(objects: list[dict[str, Any]], prefix: str) -> dict[str, str]:
    """The data of the generated ConfigMap `prefix`-<hash>."""
    (found,) = [
        c for c in of_kind(objects, "ConfigMap") if c["metadata"]["name"].startswith(prefix + "-")
    ]
    return found["data"]  # type: ignore[no-any-return]


def environment(objects: list[dict[str, Any]], container: dict[str, Any]) -> dict[str, str]:
    """A container's variables as Kubernetes sets them: its ConfigMaps in order (a later one
    wins), then `env`, with $(VAR) references expanded; Secret-fed values as `<secret>`."""
    config_maps = {c["metadata"]["name"]: c["data"] for c in of_kind(objects, "ConfigMap")}
    values: dict[str, str] = {}
    for source in container.get("envFrom", []):
        values |= config_maps[source["configMapRef"]["name"]]
    for var in container.get("env", []):
        if "value" in var:
            value = var["value"]
            for name, known in values.items():
                value = value.replace(f"$({name})", known)
            values[var["name"]] = value
        else:
            values[var["name"]] = "<secret>"
    return values


def main_container(objects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (container,) = pod_spec(named(objects, "Deployment", name))["containers"]
    return dict(container)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_verifies_the_identity_services_tokens_with_its_keys(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    common = config_map(objects, "shopstack-common")
    assert common["AUTH_ISSUER"] == ISSUERS[overlay]
    assert common["AUTH_AUDIENCE"] == "shopstack"
    assert common["AUTH_JWKS_URL"] == f"{IDENTITY_URL}/jwks"
    for name in VERIFIERS:
        env = environment(objects, main_container(objects, name))
        assert env["AUTH_ISSUER"] == ISSUERS[overlay], name
        assert env["AUTH_AUDIENCE"] == "shopstack", name
        assert env["AUTH_JWKS_URL"] == f"{IDENTITY_URL}/jwks", name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_identity_service_issues_what_the_verifiers_expect(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    env = environment(objects, main_container(objects, "identity"))
    assert env["IDENTITY_ISSUER"] == env["AUTH_ISSUER"] == ISSUERS[overlay]
    assert env["IDENTITY_AUDIENCE"] == "shopstack"
    # The storefront client comes back to the gateway's public URL, and only there.
    assert env["IDENTITY_STOREFRONT_REDIRECT_URIS"] == f"{STOREFRONTS[overlay]}/auth/callback"
    assert env["IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS"] == f"{STOREFRONTS[overlay]}/"
    gateway = environment(objects, main_container(objects, "gateway"))
    assert gateway["GATEWAY_PUBLIC_URL"] == STOREFRONTS[overlay]
    # Its own tokens (/userinfo) against its own keys on loopback, not through its Service.
    assert env["AUTH_JWKS_URL"] == "http://127.0.0.1:8083/jwks"
    assert env["IDENTITY_DATABASE_URL"] == (
        "mysql+asyncmy://identity@mysql:3306/identity?charset=utf8mb4"
    )
    assert env["IDENTITY_DB_PASSWORD_FILE"] == "/var/run/secrets/shopstack/db/password"
    assert env["IDENTITY_MIGRATE_ON_START"] == "false"
    assert env["IDENTITY_PORT"] == "8083"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_issuer_is_the_ingress_host_of_the_identity_service_over_https(
    rendered: Objects, overlay: str
) -> None:
    (ingress,) = of_kind(rendered[overlay], "Ingress")
    hosts = {
        path["backend"]["service"]["name"]: rule["host"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    # At the root of its host: the identity service names its pages from the root.
    assert ISSUERS[overlay] == f"https://{hosts['identity']}"
    assert urlsplit(ISSUERS[overlay]).path == ""
    assert STOREFRONTS[overlay] == f"https://{hosts['gateway']}"
    (tls,) = ingress["spec"]["tls"]
    assert sorted(tls["hosts"]) == sorted(hosts.values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_identity_service_and_the_gateway_trust_forwarded_addresses_from_the_pod_network_only(
    rendered: Objects, overlay: str
) -> None:
    # Both count per client address (the sign-in throttle, the gateway's rate limit): behind
    # the ingress controller, without this every client would be the controller.
    objects = rendered[overlay]
    # A network, never "*": an address outside it cannot claim to speak for another.
    pod_network = {"microk8s": "10.1.0.0/16", "aks": "10.224.0.0/16"}[overlay]
    for name in ("identity", "gateway"):
        env = environment(objects, main_container(objects, name))
        assert env["FORWARDED_ALLOW_IPS"] == pod_network, name
    for name in VERIFIERS[:3]:
        assert "FORWARDED_ALLOW_IPS" not in environment(objects, main_container(objects, name))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_order_service_fetches_its_token_from_the_identity_service(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    env = environment(objects, main_container(objects, "order"))
    assert env["ORDER_CLIENT_ID"] == "order-service"
    assert env["ORDER_TOKEN_URL"] == f"{IDENTITY_URL}/token"
    assert "ORDER_CLIENT_SECRET" not in env


# The keys of identity-credentials: one per OAuth client of the identity service.
CLIENT_SECRET_KEYS = (
    "ORDER_SERVICE_CLIENT_SECRET",
    "SMOKE_CLIENT_SECRET",
    "STOREFRONT_CLIENT_SECRET",
)
# The workloads that mount identity-credentials, and the keys each may read.
CLIENT_SECRET_READERS = {
    "identity": set(CLIENT_SECRET_KEYS),
    "order": {"ORDER_SERVICE_CLIENT_SECRET"},
    "gateway": {"STOREFRONT_CLIENT_SECRET"},
}


def identity_credentials(objects: list[dict[str, Any]]) -> str:
    """The generated (hash-suffixed) name of the clients' Secret."""
    (secret,) = [
        s
        for s in of_kind(objects, "Secret")
        if s["metadata"]["name"].startswith("identity-credentials-")
    ]
    return str(secret["metadata"]["name"])


def secret_files(workload: dict[str, Any], container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each file a container reads from a Secret volume: its path -> (Secret, key)."""
    volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
    files = {}
    for mount in container.get("volumeMounts", []):
        # A StatefulSet's claim templates are not among its volumes.
        secret = volumes.get(mount["name"], {}).get("secret")
        if secret:
            for item in secret["items"]:
                path = f"{mount['mountPath']}/{item['path']}"
                files[path] = (secret["secretName"], item["key"])
    return files


def client_secret_files(
    workload: dict[str, Any], container: dict[str, Any], secret: str
) -> dict[str, tuple[str, str]]:
    """The files a container reads from the Secret `secret` (the clients' secrets)."""
    return {path: f for path, f in secret_files(workload, container).items() if f[0] == secret}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_identity_and_order_read_the_same_order_service_secret_as_a_file(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    (secret,) = [
        s
        for s in of_kind(objects, "Secret")
        if s["metadata"]["name"].startswith("identity-credentials-")
    ]
    assert set(secret["data"]) == set(CLIENT_SECRET_KEYS)
    name = secret["metadata"]["name"]

    identity, order = (named(objects, "Deployment", n) for n in ("identity", "order"))
    identity_env = environment(objects, main_container(objects, "identity"))
    identity_files = secret_files(identity, main_container(objects, "identity"))
    assert identity_files[identity_env["IDENTITY_ORDER_SERVICE_CLIENT_SECRET_FILE"]] == (
        name,
        "ORDER_SERVICE_CLIENT_SECRET",
    )
    assert identity_files[identity_env["IDENTITY_SMOKE_CLIENT_SECRET_FILE"]] == (
        name,
        "SMOKE_CLIENT_SECRET",
    )
    order_env = environment(objects, main_container(objects, "order"))
    # Order sees its own secret only, not the smoke client's.
    assert client_secret_files(order, main_container(objects, "order"), name) == {
        order_env["ORDER_CLIENT_SECRET_FILE"]: (name, "ORDER_SERVICE_CLIENT_SECRET")
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_identity_and_the_gateway_read_the_same_storefront_secret_as_a_file(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    name = identity_credentials(objects)
    identity_env = environment(objects, main_container(objects, "identity"))
    identity_files = secret_files(
        named(objects, "Deployment", "identity"), main_container(objects, "identity")
    )
    assert identity_files[identity_env["IDENTITY_STOREFRONT_CLIENT_SECRET_FILE"]] == (
        name,
        "STOREFRONT_CLIENT_SECRET",
    )
    # A confidential client: its secret as a file (read once at start), one source only.
    gateway_env = environment(objects, main_container(objects, "gateway"))
    assert "GATEWAY_OIDC_CLIENT_SECRET" not in gateway_env
    gateway_files = client_secret_files(
        named(objects, "Deployment", "gateway"), main_container(objects, "gateway"), name
    )
    # The gateway sees its own secret only, not the service clients'.
    assert gateway_files == {
        gateway_env["GATEWAY_OIDC_CLIENT_SECRET_FILE"]: (name, "STOREFRONT_CLIENT_SECRET")
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_other_workload_and_no_init_container_gets_a_client_secret(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    name = identity_credentials(objects)
    for workload in of_kind(objects, "Deployment", "StatefulSet", "CronJob"):
        read: set[str] = set()
        for volume in pod_spec(workload).get("volumes", []):
            if volume.get("secret", {}).get("secretName") == name:
                # Without items, a Secret volume holds every key.
                items = volume["secret"].get("items")
                read |= {item["key"] for item in items} if items else set(CLIENT_SECRET_KEYS)
        allowed = CLIENT_SECRET_READERS.get(workload["metadata"]["name"], set())
        assert read <= allowed, workload["metadata"]["name"]
        for init in pod_spec(workload).get("initContainers", []):
            assert client_secret_files(workload, init, name) == {}, workload["metadata"]["name"]
            assert not [v for v in init.get("env", []) if "CLIENT_SECRET" in v["name"]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_identity_database_and_its_user_come_from_mysql_credentials_and_are_backed_up(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    mysql = named(objects, "StatefulSet", "mysql")
    (mariadb, _) = pod_spec(mysql)["containers"]
    mariadb_env = {v["name"]: v["value"] for v in mariadb["env"]}
    (given,) = {
        f
        for path, f in secret_files(mysql, mariadb).items()
        if path == mariadb_env["IDENTITY_DB_PASSWORD_FILE"]
    }
    assert given[1] == "IDENTITY_DB_PASSWORD"
    identity = named(objects, "Deployment", "identity")
    for container in all_containers(identity):
        env = {v["name"]: v.get("value") for v in container["env"]}
        assert secret_files(identity, container)[env["IDENTITY_DB_PASSWORD_FILE"]] == given
    (dump,) = pod_spec(named(objects, "CronJob", "mysql-backup"))["containers"]
    databases = next(v["value"] for v in dump["env"] if v["name"] == "DATABASES").split()
    assert databases == ["inventory", "orders", "identity"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_identity_service_is_reached_from_outside_on_its_ingress_host_only(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    service = named(objects, "Service", "identity")
    assert service["spec"]["type"] == "ClusterIP"
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(8083, "http")]
    hosts_to_identity = [
        rule["host"]
        for ingress in of_kind(objects, "Ingress")
        for rule in ingress["spec"]["rules"]
        if any(p["backend"]["service"]["name"] == "identity" for p in rule["http"]["paths"])
    ]
    assert hosts_to_identity == [urlsplit(ISSUERS[overlay]).hostname]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_is_the_storefronts_oidc_client_through_the_back_channel(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    env = environment(objects, main_container(objects, "gateway"))
    assert env["GATEWAY_OIDC_CLIENT_ID"] == "storefront"
    # Browsers go to AUTH_ISSUER; the gateway's own calls (token, revoke, keys) to the Service.
    assert env["GATEWAY_OIDC_BACKCHANNEL_URL"] == IDENTITY_URL
    assert env["AUTH_ISSUER"] == ISSUERS[overlay]
    # https: the session cookie is Secure and __Host- prefixed, and the gateway sends HSTS.
    assert env["GATEWAY_PUBLIC_URL"].startswith("https://")
