"""Keycloak as the issuer, under Compose: the realm as code (deploy/compose/keycloak/
shopstack-realm.json) and the `keycloak` profile with its override compose.keycloak.yaml.

No Keycloak runs on the build machines (no image can be pulled), so the realm is checked as
Keycloak would import it: the structure of each client, role, scope and mapper, and every
${...} placeholder resolved from the environment Compose gives the Keycloak container, which
must match what the gateway and the services are told.
"""

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .compose_env import COMPOSE, KEYCLOAK_OVERRIDE, env_file
from .paths import compose_binary

REALM_FILE = COMPOSE.parent / "keycloak" / "shopstack-realm.json"
PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
# The fields of a realm representation that hold a credential: a client's secret, an identity
# provider's or LDAP federation's, and a user's credential values.
SECRET_KEYS = {"secret", "clientSecret", "bindCredential", "password", "secretData", "value"}
VERIFIERS = ("product", "inventory", "order", "gateway")
REALM_PATH = "/realms/shopstack"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return env_file(tmp_path_factory.mktemp("keycloak"))


def config(env: Path, *files: Path, profile: str | None = None) -> dict[str, Any]:
    """The model Compose resolves for these files (and profile), as JSON."""
    command = [compose_binary()]
    for file in files:
        command += ["-f", str(file)]
    command += ["--env-file", str(env)]
    if profile:
        command += ["--profile", profile]
    out = subprocess.run(
        [*command, "config", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)["services"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def switched(env: Path) -> dict[str, Any]:
    """The stack with the profile and the override: every service pointed at Keycloak."""
    return config(env, COMPOSE, KEYCLOAK_OVERRIDE, profile="keycloak")


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    return json.loads(REALM_FILE.read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def imported(realm: dict[str, Any], switched: dict[str, Any]) -> dict[str, Any]:
    """The realm with its placeholders filled from the Keycloak container's environment, as
    its import does."""
    environment = switched["keycloak"]["environment"]

    def fill(match: re.Match[str]) -> str:
        assert match[1] in environment, f"Compose gives Keycloak no {match[1]}"
        return str(environment[match[1]])

    return json.loads(PLACEHOLDER.sub(fill, REALM_FILE.read_text()))  # type: ignore[no-any-return]


def client(realm: dict[str, Any], client_id: str) -> dict[str, Any]:
    (found,) = [c for c in realm["clients"] if c["clientId"] == client_id]
    return dict(found)


def scope(realm: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in realm["clientScopes"] if s["name"] == name]
    return dict(found)


def mappers_of(realm: dict[str, Any], scopes: list[str], kind: str) -> list[dict[str, Any]]:
    return [
        mapper
        for name in scopes
        for mapper in scope(realm, name).get("protocolMappers", [])
        if mapper["protocolMapper"] == kind
    ]


def fields(node: Any, path: str = "") -> list[tuple[str, str, Any]]:
    """(path, key, value) of every scalar in the realm."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                found += fields(value, f"{path}.{key}")
            else:
                found.append((path, key, value))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += fields(item, f"{path}[{index}]")
    return found


# ---- the realm -------------------------------------------------------------------------------


def test_the_realm_is_shopstack_with_registration_and_brute_force_protection(
    realm: dict[str, Any],
) -> None:
    assert realm["realm"] == "shopstack"
    assert realm["enabled"] is True
    assert realm["registrationAllowed"] is True
    assert realm["bruteForceProtected"] is True
    assert realm["failureFactor"] <= 10
    # The identity service's password rules.
    assert "length(12)" in realm["passwordPolicy"]


def test_the_storefront_is_a_confidential_client_of_the_code_flow_with_pkce_s256(
    realm: dict[str, Any],
) -> None:
    storefront = client(realm, "storefront")
    # A backend-for-frontend: it authenticates with a secret, which the realm file names only.
    assert storefront["publicClient"] is False
    assert storefront["clientAuthenticatorType"] == "client-secret"
    assert PLACEHOLDER.fullmatch(storefront["secret"])
    assert storefront["standardFlowEnabled"] is True
    for flow in ("implicitFlowEnabled", "directAccessGrantsEnabled", "serviceAccountsEnabled"):
        assert storefront[flow] is False, flow
    # PKCE still required, secret or not.
    assert storefront["attributes"]["pkce.code.challenge.method"] == "S256"


def test_keycloak_holds_the_same_storefront_secret_as_the_gateway(
    imported: dict[str, Any], switched: dict[str, Any]
) -> None:
    secret = client(imported, "storefront")["secret"]
    gateway = switched["gateway"]["environment"]
    # Under the override the gateway keeps compose.yaml's variable, now Keycloak's client.
    assert secret == gateway["GATEWAY_OIDC_CLIENT_SECRET"]
    assert gateway["GATEWAY_OIDC_CLIENT_ID"] == "storefront"
    assert len(secret) >= 32
    assert secret != client(imported, "order-service")["secret"]


def test_the_storefront_is_sent_back_to_the_gateways_callback_and_root_only(
    imported: dict[str, Any], switched: dict[str, Any]
) -> None:
    storefront = client(imported, "storefront")
    public_url = switched["gateway"]["environment"]["GATEWAY_PUBLIC_URL"]
    assert storefront["redirectUris"] == [f"{public_url}/auth/callback"]
    assert storefront["attributes"]["post.logout.redirect.uris"] == f"{public_url}/"
    assert storefront["webOrigins"] == [public_url]
    # No wildcard anywhere a browser could be sent to ("+": every redirect URI's origin).
    for value in (
        *storefront["redirectUris"],
        *storefront["webOrigins"],
        storefront["attributes"]["post.logout.redirect.uris"],
    ):
        assert "*" not in value, value
        assert value != "+", value
    assert switched["gateway"]["environment"]["GATEWAY_OIDC_CLIENT_ID"] == "storefront"


def test_customer_and_admin_are_realm_roles_and_every_new_account_is_a_customer(
    realm: dict[str, Any],
) -> None:
    roles = {role["name"]: role for role in realm["roles"]["realm"]}
    assert {"customer", "admin"} <= set(roles)
    default = roles[realm["defaultRole"]["name"]]
    assert default["composite"] is True
    assert default["composites"]["realm"] == ["customer"]


def test_the_realm_roles_reach_a_top_level_roles_claim_of_the_storefronts_tokens(
    realm: dict[str, Any], switched: dict[str, Any]
) -> None:
    storefront = client(realm, "storefront")
    scopes = storefront["defaultClientScopes"]
    (mapper,) = mappers_of(realm, scopes, "oidc-usermodel-realm-role-mapper")
    settings = mapper["config"]
    # AUTH_ROLES_CLAIM=roles, unchanged from the identity service.
    assert settings["claim.name"] == switched["order"]["environment"]["AUTH_ROLES_CLAIM"]
    assert settings["claim.name"] == "roles"
    assert settings["multivalued"] == "true"
    assert settings["access.token.claim"] == settings["id.token.claim"] == "true"
    # Only the two shop roles, whatever else an account holds (fullScopeAllowed off).
    assert storefront["fullScopeAllowed"] is False
    (mapping,) = [m for m in realm["scopeMappings"] if m.get("clientScope") == "shopstack-roles"]
    assert sorted(mapping["roles"]) == ["admin", "customer"]
    assert "shopstack-roles" in scopes


@pytest.mark.parametrize("client_id", ["storefront", "order-service"])
def test_every_access_token_names_the_platforms_audience(
    realm: dict[str, Any], switched: dict[str, Any], client_id: str
) -> None:
    scopes = client(realm, client_id)["defaultClientScopes"]
    (mapper,) = mappers_of(realm, scopes, "oidc-audience-mapper")
    audience = {switched[name]["environment"]["AUTH_AUDIENCE"] for name in VERIFIERS}
    assert audience == {mapper["config"]["included.custom.audience"]}
    assert mapper["config"]["access.token.claim"] == "true"
    # The ID token's audience stays the client's own id.
    assert mapper["config"]["id.token.claim"] == "false"
    # Every token has its subject (Keycloak 25+ maps `sub` in the `basic` scope).
    assert "basic" in scopes
    assert mappers_of(realm, ["basic"], "oidc-sub-mapper")


def test_the_order_service_is_a_confidential_service_account_with_the_reserve_scope(
    realm: dict[str, Any],
) -> None:
    order = client(realm, "order-service")
    assert order["publicClient"] is False
    assert order["serviceAccountsEnabled"] is True
    for flow in ("standardFlowEnabled", "implicitFlowEnabled", "directAccessGrantsEnabled"):
        assert order[flow] is False, flow
    assert order["redirectUris"] == []
    assert "inventory:reserve" in order["defaultClientScopes"]
    assert scope(realm, "inventory:reserve")["attributes"]["include.in.token.scope"] == "true"
    # No shop role for a service.
    assert order["fullScopeAllowed"] is False
    assert "shopstack-roles" not in order["defaultClientScopes"]
    # A service token (shopkit: idtyp "app"), since Keycloak's `sub` is not the client id.
    (idtyp,) = [m for m in order["protocolMappers"] if m["config"].get("claim.name") == "idtyp"]
    assert idtyp["protocolMapper"] == "oidc-hardcoded-claim-mapper"
    assert idtyp["config"]["claim.value"] == "app"
    assert idtyp["config"]["access.token.claim"] == "true"


def test_every_secret_in_the_realm_is_a_placeholder_and_no_user_is_committed(
    realm: dict[str, Any],
) -> None:
    secrets = [
        (where, key, value)
        for where, key, value in fields(realm)
        if key in SECRET_KEYS and (key != "value" or ".credentials[" in where)
    ]
    assert secrets, "the confidential clients' secrets are fields of the realm"
    assert {where for where, key, _ in secrets if key == "secret"} == {
        f".clients[{index}]" for index, c in enumerate(realm["clients"]) if not c["publicClient"]
    }, "each confidential client has its secret, and only they"
    for where, key, value in secrets:
        assert isinstance(value, str), (where, key)
        assert PLACEHOLDER.fullmatch(value), (where, key)
    # Accounts sign up, or an administrator creates them (docs/identity-providers.md).
    assert "users" not in realm


def test_keycloak_holds_the_same_order_service_secret_as_the_order_service(
    imported: dict[str, Any], switched: dict[str, Any]
) -> None:
    secret = client(imported, "order-service")["secret"]
    order = switched["order"]["environment"]
    assert secret == order["ORDER_CLIENT_SECRET"]
    assert order["ORDER_CLIENT_ID"] == "order-service"
    assert len(secret) >= 32


# ---- the profile and the override ------------------------------------------------------------


def test_compose_accepts_the_keycloak_profile_with_and_without_the_override(env: Path) -> None:
    for files in ([COMPOSE], [COMPOSE, KEYCLOAK_OVERRIDE]):
        command = [compose_binary()]
        for file in files:
            command += ["-f", str(file)]
        result = subprocess.run(
            [*command, "--env-file", str(env), "--profile", "keycloak", "config", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_keycloak_runs_only_under_its_profile(env: Path) -> None:
    assert "keycloak" not in config(env, COMPOSE)
    assert "keycloak" in config(env, COMPOSE, profile="keycloak")


def test_keycloak_imports_the_realm_read_only_and_is_published_for_browsers(
    switched: dict[str, Any],
) -> None:
    keycloak = switched["keycloak"]
    assert re.fullmatch(r"quay\.io/keycloak/keycloak:26\.\d+\.\d+", keycloak["image"])
    assert "--import-realm" in keycloak["command"]
    (mount,) = [v for v in keycloak["volumes"] if v["target"] == "/opt/keycloak/data/import"]
    assert Path(mount["source"]) == REALM_FILE.parent
    assert mount["read_only"] is True
    (port,) = keycloak["ports"]
    assert (port["host_ip"], int(port["published"]), int(port["target"])) == (
        "127.0.0.1",
        8180,
        8080,
    )
    assert keycloak["environment"]["KC_HOSTNAME"] == f"http://127.0.0.1:{port['published']}"
    assert keycloak["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in keycloak["security_opt"]
    assert keycloak["healthcheck"]["test"]
    # Its administrator's password is generated into .env, never a default.
    assert len(keycloak["environment"]["KC_BOOTSTRAP_ADMIN_PASSWORD"]) >= 32


def test_under_the_override_every_service_trusts_the_realm_and_fetches_keys_inside(
    switched: dict[str, Any],
) -> None:
    issuer = switched["keycloak"]["environment"]["KC_HOSTNAME"] + REALM_PATH
    inside = "http://keycloak:8080" + REALM_PATH
    for name in VERIFIERS:
        environment = switched[name]["environment"]
        assert environment["AUTH_ISSUER"] == issuer, name
        assert environment["AUTH_JWKS_URL"] == f"{inside}/protocol/openid-connect/certs", name
        assert environment["AUTH_ROLES_CLAIM"] == "roles", name
    assert switched["order"]["environment"]["ORDER_TOKEN_URL"] == (
        f"{inside}/protocol/openid-connect/token"
    )
    # An origin: the gateway puts it in place of the issuer's, keeping each endpoint's path.
    assert switched["gateway"]["environment"]["GATEWAY_OIDC_BACKCHANNEL_URL"] == (
        "http://keycloak:8080"
    )
    for name in ("order", "gateway"):
        assert switched[name]["depends_on"]["keycloak"]["condition"] == "service_healthy"
    # The identity service keeps its own issuer (a path-less URL), unaffected.
    identity = switched["identity"]["environment"]
    assert identity["IDENTITY_ISSUER"] == "http://127.0.0.1:8083"


def test_without_the_override_nothing_trusts_keycloak(env: Path) -> None:
    services = config(env, COMPOSE, profile="keycloak")
    for name in VERIFIERS:
        assert services[name]["environment"]["AUTH_ISSUER"] == "http://127.0.0.1:8083", name
