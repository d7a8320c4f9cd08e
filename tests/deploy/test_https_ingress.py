"""HTTPS in the rendered overlays: the Ingress serves the shop and the identity service on two
hosts with one certificate that cert-manager issues (Let's Encrypt on AKS, self-signed on
MicroK8s), redirects http to https, and takes its hosts from the two URLs each overlay sets,
which the gateway and the identity service are configured with too.

The cert-manager objects are validated against their CRDs (crds.py, strict), here and in
test_kubernetes_manifests with every other object.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from . import crds
from .network import Source, allowed, selects
from .paths import KUBECTL, OVERLAYS
from .test_identity_manifests import config_map, environment, main_container
from .test_kubernetes_manifests import named, of_kind, pod_labels

Objects = dict[str, list[dict[str, Any]]]
ISSUER_KINDS = {"aks": "ClusterIssuer", "microk8s": "Issuer"}
ACME_SOLVER = {"acme.cert-manager.io/http01-solver": "true"}


def hosts(objects: list[dict[str, Any]]) -> tuple[str, str]:
    """(shop host, identity host): the hosts of the overlay's two public URLs."""
    common = config_map(objects, "shopstack-common")
    shop = urlsplit(common["STOREFRONT_URL"])
    identity = urlsplit(common["AUTH_ISSUER"])
    assert (shop.scheme, identity.scheme) == ("https", "https")
    assert shop.hostname
    assert identity.hostname
    return shop.hostname, identity.hostname


def ingress(objects: list[dict[str, Any]]) -> dict[str, Any]:
    (found,) = of_kind(objects, "Ingress")
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_serves_both_hosts_over_tls_from_the_certificates_secret(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    shop, identity = hosts(objects)
    spec = ingress(objects)["spec"]
    assert [rule["host"] for rule in spec["rules"]] == [shop, identity]
    (tls,) = spec["tls"]
    assert tls["hosts"] == [shop, identity]
    certificate = named(objects, "Certificate", "shopstack-tls")
    assert certificate["spec"]["secretName"] == tls["secretName"]
    assert certificate["spec"]["dnsNames"] == [shop, identity]
    # Rotated with a new key each time, never RSA-1024 or the like.
    assert certificate["spec"]["privateKey"] == {
        "algorithm": "ECDSA",
        "size": 256,
        "rotationPolicy": "Always",
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_plain_http_is_redirected_to_https(rendered: Objects, overlay: str) -> None:
    annotations = ingress(rendered[overlay])["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_and_the_identity_service_know_the_hosts_the_ingress_serves(
    rendered: Objects, overlay: str
) -> None:
    objects = rendered[overlay]
    shop, identity = hosts(objects)
    gateway = environment(objects, main_container(objects, "gateway"))
    issuer = environment(objects, main_container(objects, "identity"))
    assert gateway["GATEWAY_PUBLIC_URL"] == f"https://{shop}"
    assert issuer["IDENTITY_ISSUER"] == gateway["AUTH_ISSUER"] == f"https://{identity}"
    assert issuer["IDENTITY_STOREFRONT_REDIRECT_URIS"] == f"https://{shop}/auth/callback"
    assert issuer["IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS"] == f"https://{shop}/"


def test_on_aks_lets_encrypt_issues_the_certificate(rendered: Objects) -> None:
    objects = rendered["aks"]
    certificate = named(objects, "Certificate", "shopstack-tls")
    assert certificate["spec"]["issuerRef"] == {
        "group": "cert-manager.io",
        "kind": "ClusterIssuer",
        "name": "letsencrypt",
    }
    # The ClusterIssuer is the cluster's (docs/identity-providers.md), not the overlay's.
    assert not of_kind(objects, "ClusterIssuer", "Issuer")


def test_on_microk8s_a_self_signed_issuer_in_the_namespace_issues_it(rendered: Objects) -> None:
    objects = rendered["microk8s"]
    certificate = named(objects, "Certificate", "shopstack-tls")
    reference = certificate["spec"]["issuerRef"]
    assert reference["kind"] == "Issuer"
    issuer = named(objects, "Issuer", reference["name"])
    assert issuer["spec"] == {"selfSigned": {}}
    assert issuer["metadata"]["namespace"] == certificate["metadata"]["namespace"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_certificate_names_an_issuer_of_the_kind_its_overlay_has(
    rendered: Objects, overlay: str
) -> None:
    for certificate in of_kind(rendered[overlay], "Certificate"):
        assert certificate["spec"]["issuerRef"]["kind"] == ISSUER_KINDS[overlay]
        assert crds.custom_resource_schema(certificate) is not None


@pytest.mark.parametrize(
    "broken",
    [
        # A field the CRD does not have (strict, as `kubectl apply`).
        {"dnsName": ["shop.example.com"]},
        # No issuer: the CRD requires issuerRef.
        {"issuerRef": None},
        # Not one of the CRD's key algorithms.
        {"privateKey": {"algorithm": "DSA"}},
    ],
)
def test_the_crd_validation_refuses_a_broken_certificate(
    rendered: Objects, broken: dict[str, Any]
) -> None:
    """The control for the validation above: it does refuse what an API server would."""
    certificate = named(rendered["aks"], "Certificate", "shopstack-tls")
    spec = {**certificate["spec"], **broken}
    with pytest.raises(jsonschema.ValidationError):
        crds.validate({**certificate, "spec": {k: v for k, v in spec.items() if v is not None}})


def test_on_aks_the_ingress_controller_reaches_the_acme_http01_solver_only(
    rendered: Objects,
) -> None:
    objects = rendered["aks"]
    (policy,) = [
        p
        for p in of_kind(objects, "NetworkPolicy")
        if p["spec"]["podSelector"] == {"matchLabels": ACME_SOLVER}
    ]
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"port": 8089, "protocol": "TCP"}]
    controller = Source(namespace="ingress-nginx", name="controller")
    assert controller.matches(rule["from"][0])
    for stranger in (Source(name="gateway"), Source(namespace="default", name="x")):
        assert not any(stranger.matches(peer) for peer in rule["from"])
    # It selects none of the shop's own pods: they admit the controller only as before.
    for workload in of_kind(objects, "Deployment", "StatefulSet", "CronJob"):
        assert not selects(policy["spec"]["podSelector"], pod_labels(workload)), workload
    assert not allowed(objects, controller, "redis", "redis")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_setting_the_two_urls_moves_every_host_with_them(
    k8s_copy: Path, tmp_path: Path, overlay: str
) -> None:
    """The overlay's two URLs are the one place to change: the Ingress and the certificate
    follow (its `replacements`)."""
    copy = tmp_path / "k8s"
    shutil.copytree(k8s_copy, copy)
    kustomization = copy / "overlays" / overlay / "kustomization.yaml"
    text = kustomization.read_text()
    for key, value in (
        ("AUTH_ISSUER", "https://login.shop.test"),
        ("STOREFRONT_URL", "https://www.shop.test"),
    ):
        text, count = re.subn(rf"- {key}=\S+", f"- {key}={value}", text)
        assert count == 1, key
    kustomization.write_text(text)
    out = subprocess.run(
        [str(KUBECTL), "kustomize", str(kustomization.parent)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    objects = [doc for doc in yaml.safe_load_all(out) if doc]
    spec = ingress(objects)["spec"]
    assert [rule["host"] for rule in spec["rules"]] == ["www.shop.test", "login.shop.test"]
    assert spec["tls"][0]["hosts"] == ["www.shop.test", "login.shop.test"]
    certificate = named(objects, "Certificate", "shopstack-tls")
    assert certificate["spec"]["dnsNames"] == ["www.shop.test", "login.shop.test"]
    env = environment(objects, main_container(objects, "identity"))
    assert env["IDENTITY_STOREFRONT_REDIRECT_URIS"] == "https://www.shop.test/auth/callback"
