"""Which tokens a service accepts is configuration: AUTH_* variables, asymmetric only."""

import pytest
from pydantic import ValidationError

from shopkit.auth import AuthSettings
from shopkit.settings import ServiceSettings


def test_the_defaults_trust_the_embedded_identity_service() -> None:
    settings = AuthSettings()

    assert (settings.issuer, settings.audience, settings.jwks_url) == (
        "http://127.0.0.1:8083",
        "shopstack",
        None,
    )
    assert settings.algorithms == ("ES256", "EdDSA", "RS256")
    assert (settings.leeway_seconds, settings.roles_claim) == (30, "roles")


def test_every_service_reads_the_unprefixed_auth_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTH_ISSUER", "https://keycloak.example/realms/shop")
    monkeypatch.setenv("AUTH_ROLES_CLAIM", "realm_access.roles")
    monkeypatch.setenv("AUTH_ALGORITHMS", "RS256, PS256")

    auth = ServiceSettings().auth

    assert auth.issuer == "https://keycloak.example/realms/shop"
    assert auth.roles_claim == "realm_access.roles"
    assert auth.algorithms == ("RS256", "PS256")


@pytest.mark.parametrize("algorithms", ["none", "HS256", "ES256,HS512", "", "XYZ1"])
def test_none_hmac_unknown_or_no_algorithms_are_refused(algorithms: str) -> None:
    with pytest.raises(ValidationError, match="algorithms"):
        AuthSettings(algorithms=algorithms)


def test_a_malformed_roles_claim_path_is_refused() -> None:
    with pytest.raises(ValidationError, match="roles_claim"):
        AuthSettings(roles_claim="realm_access..roles")
