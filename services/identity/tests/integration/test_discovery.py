"""What a client reads before it starts: the discovery document and the JWKS."""

import requests

from identity_service.config import Settings


def test_the_discovery_document_names_the_endpoints_on_the_issuer(identity: Settings) -> None:
    answer = requests.get(f"{identity.issuer}/.well-known/openid-configuration")

    assert answer.status_code == 200
    document = answer.json()
    assert document["issuer"] == identity.issuer
    for endpoint, path in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("revocation_endpoint", "/revoke"),
        ("end_session_endpoint", "/logout"),
    ]:
        assert document[endpoint] == identity.issuer + path


def test_the_discovery_document_offers_the_code_flow_with_s256_only(identity: Settings) -> None:
    document = requests.get(f"{identity.issuer}/.well-known/openid-configuration").json()

    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "client_credentials",
    }
    assert document["id_token_signing_alg_values_supported"] == ["ES256"]
    assert {"openid", "inventory:reserve"} <= set(document["scopes_supported"])


def test_the_discovery_document_publishes_the_prompts_authorize_honours(
    identity: Settings,
) -> None:
    document = requests.get(f"{identity.issuer}/.well-known/openid-configuration").json()

    assert document["prompt_values_supported"] == ["none", "login", "create"]
    assert {"email", "roles"} <= set(document["claims_supported"])


def test_the_jwks_publishes_public_signing_keys_each_with_a_kid(identity: Settings) -> None:
    answer = requests.get(f"{identity.issuer}/jwks")

    assert answer.status_code == 200
    keys = answer.json()["keys"]
    assert keys
    for key in keys:
        assert key["kty"] == "EC"
        assert key["crv"] == "P-256"
        assert key["alg"] == "ES256"
        assert key["use"] == "sig"
        assert key["kid"]
        assert "d" not in key
