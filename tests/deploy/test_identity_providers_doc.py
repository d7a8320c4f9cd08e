"""docs/identity-providers.md's manifests, as the document gives them: the ClusterIssuer the
aks overlay's Certificate names, and the Entra ID overlay on top of overlays/aks, written where
the document puts it inside the session's copy of deploy/k8s and rendered.

Entra itself is not reachable from the build machines: the overlay is checked for what it
renders (placeholders for the tenant and application ids), not signed in against.
"""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from . import crds
from .loadgen import kustomize
from .network import Destination, egress_allowed
from .paths import REPO
from .test_identity_manifests import (
    client_secret_files,
    config_map,
    environment,
    identity_credentials,
    main_container,
)
from .test_kubernetes_manifests import named, of_kind, pod_labels
from .test_loadgen_network import KUBE_DNS

DOC = REPO / "docs" / "identity-providers.md"
ENTRA_OVERLAY = "overlays/aks-entra"
ENTRA = "https://login.microsoftonline.com"
CALLERS_OF_ENTRA = ("gateway", "product", "inventory", "order")


def yaml_blocks() -> dict[str, str]:
    """Each YAML block of the document whose first line is a comment naming its file."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(), re.MULTILINE | re.DOTALL)
    named_blocks = {}
    for block in blocks:
        first = block.partition("\n")[0]
        match = re.match(r"# (\S+)", first)
        if match:
            named_blocks[match[1]] = block
    return named_blocks


@pytest.fixture(scope="module")
def entra(k8s_copy: Path) -> list[dict[str, Any]]:
    """The documented Entra overlay, rendered from the session's copy of deploy/k8s."""
    prefix = f"deploy/k8s/{ENTRA_OVERLAY}/"
    files = {name.removeprefix(prefix): text for name, text in yaml_blocks().items()}
    files = {name: text for name, text in files.items() if "/" not in name}
    assert set(files) >= {"kustomization.yaml", "allow-entra-egress.yaml"}
    folder = k8s_copy / ENTRA_OVERLAY
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return kustomize(folder)


def test_the_documented_cluster_issuer_is_valid_and_is_the_one_the_aks_certificate_names(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    issuer = yaml.safe_load(yaml_blocks()["cluster-issuer.yaml"])
    crds.validate(issuer)
    certificate = named(rendered["aks"], "Certificate", "shopstack-tls")
    assert certificate["spec"]["issuerRef"] == {
        "group": "cert-manager.io",
        "kind": issuer["kind"],
        "name": issuer["metadata"]["name"],
    }
    (solver,) = issuer["spec"]["acme"]["solvers"]
    (ingress,) = of_kind(rendered["aks"], "Ingress")
    assert solver["http01"]["ingress"]["ingressClassName"] == ingress["spec"]["ingressClassName"]
    assert issuer["spec"]["acme"]["server"].startswith("https://acme-v02.api.letsencrypt.org/")


def test_every_object_of_the_entra_overlay_is_valid(entra: list[dict[str, Any]]) -> None:
    for obj in entra:
        crds.validate(obj)


def test_with_entra_every_service_verifies_entras_tokens(entra: list[dict[str, Any]]) -> None:
    common = config_map(entra, "shopstack-common")
    assert common["AUTH_ISSUER"].startswith(f"{ENTRA}/")
    assert common["AUTH_ISSUER"].endswith("/v2.0")
    assert common["AUTH_JWKS_URL"].startswith(f"{ENTRA}/")
    assert common["AUTH_ROLES_CLAIM"] == "roles"
    for name in CALLERS_OF_ENTRA:
        env = environment(entra, main_container(entra, name))
        assert env["AUTH_ISSUER"] == common["AUTH_ISSUER"], name
        assert env["AUTH_AUDIENCE"] == common["AUTH_AUDIENCE"], name


def test_with_entra_the_gateway_asks_for_the_api_and_calls_entra_where_browsers_do(
    entra: list[dict[str, Any]],
) -> None:
    env = environment(entra, main_container(entra, "gateway"))
    scopes = env["GATEWAY_OIDC_SCOPES"].split()
    assert {"openid", "offline_access"} <= set(scopes)
    assert any(scope.startswith("api://") for scope in scopes)
    issuer = urlsplit(env["AUTH_ISSUER"])
    assert env["GATEWAY_OIDC_BACKCHANNEL_URL"] == f"{issuer.scheme}://{issuer.netloc}"
    assert env["GATEWAY_PUBLIC_URL"] == "https://shop.example.com"


def test_with_entra_the_gateway_stays_a_confidential_client_with_its_secret_as_a_file(
    entra: list[dict[str, Any]],
) -> None:
    # The storefront registration's client secret: STOREFRONT_CLIENT_SECRET of the aks
    # overlay's secrets/identity.env, whose Secret outlives the identity service.
    name = identity_credentials(entra)
    (secret,) = [s for s in of_kind(entra, "Secret") if s["metadata"]["name"] == name]
    assert "STOREFRONT_CLIENT_SECRET" in secret["data"]
    gateway = main_container(entra, "gateway")
    env = environment(entra, gateway)
    assert client_secret_files(named(entra, "Deployment", "gateway"), gateway, name) == {
        env["GATEWAY_OIDC_CLIENT_SECRET_FILE"]: (name, "STOREFRONT_CLIENT_SECRET")
    }
    assert env["GATEWAY_OIDC_CLIENT_ID"] != "storefront", "the registration's application id"


def test_with_entra_the_identity_service_and_its_host_are_gone(
    entra: list[dict[str, Any]],
) -> None:
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert not [o for o in of_kind(entra, kind) if o["metadata"]["name"] == "identity"], kind
    (ingress,) = of_kind(entra, "Ingress")
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == ["shop.example.com"]
    assert ingress["spec"]["tls"][0]["hosts"] == ["shop.example.com"]
    certificate = named(entra, "Certificate", "shopstack-tls")
    assert certificate["spec"]["dnsNames"] == ["shop.example.com"]


def test_with_entra_the_gateway_and_the_services_reach_https_outside_and_nothing_more(
    entra: list[dict[str, Any]],
) -> None:
    internet = Destination("the internet", ip="203.0.113.10")
    inside = Destination("the node network", ip="10.224.0.4")
    metadata = Destination("the instance metadata service", ip="169.254.169.254")
    for name in CALLERS_OF_ENTRA:
        labels = pod_labels(named(entra, "Deployment", name))
        assert egress_allowed(entra, labels, internet, 443), name
        assert not egress_allowed(entra, labels, internet, 80), name
        assert not egress_allowed(entra, labels, inside, 443), name
        assert not egress_allowed(entra, labels, metadata, 443), name
        assert egress_allowed(entra, labels, KUBE_DNS, 53, "UDP"), name
    redis = pod_labels(named(entra, "Deployment", "redis"))
    assert not egress_allowed(entra, redis, internet, 443)
