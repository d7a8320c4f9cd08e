"""The principal read from verified claims: user or service, roles and scopes."""

from typing import Any

import pytest

from shopkit.auth.principal import principal_from_claims


def claims(**values: Any) -> dict[str, Any]:
    return {"sub": "alice", "client_id": "shopstack-web", **values}


def test_a_user_token_names_its_subject_client_roles_and_scopes() -> None:
    principal = principal_from_claims(
        claims(roles=["customer"], scope="openid orders"), roles_claim="roles"
    )

    assert principal.subject == "alice"
    assert principal.client_id == "shopstack-web"
    assert principal.roles == {"customer"}
    assert principal.scopes == {"openid", "orders"}
    assert not principal.is_service


def test_a_token_whose_subject_is_its_client_is_a_service_token() -> None:
    principal = principal_from_claims(
        claims(sub="order-service", client_id="order-service"), "roles"
    )

    assert principal.is_service


@pytest.mark.parametrize(("idtyp", "is_service"), [("app", True), ("user", False)])
def test_an_explicit_idtyp_claim_decides_over_the_subject_rule(
    idtyp: str, is_service: bool
) -> None:
    # Entra ID: an app-only token's sub is the service principal, not the client.
    principal = principal_from_claims(
        {"sub": "sp-object-id", "azp": "order-app", "idtyp": idtyp}, "roles"
    )

    assert principal.is_service is is_service
    assert principal.client_id == "order-app"


def test_a_token_without_client_is_a_user_token() -> None:
    assert not principal_from_claims({"sub": "alice"}, "roles").is_service


def test_keycloak_roles_are_read_from_a_dotted_path() -> None:
    principal = principal_from_claims(
        claims(realm_access={"roles": ["admin", "offline_access"]}), "realm_access.roles"
    )

    assert principal.roles == {"admin", "offline_access"}


@pytest.mark.parametrize("scp", ["orders.read orders.write", ["orders.read", "orders.write"]])
def test_scp_is_read_as_a_string_or_a_list(scp: Any) -> None:
    assert principal_from_claims(claims(scp=scp), "roles").scopes == {"orders.read", "orders.write"}


def test_a_token_without_roles_or_scopes_has_none() -> None:
    principal = principal_from_claims(claims(), "realm_access.roles")

    assert (principal.roles, principal.scopes) == (frozenset(), frozenset())


@pytest.mark.parametrize(
    "bad",
    [
        {"roles": "admin"},
        {"roles": ["admin", 1]},
        {"scope": ["a", 2]},
        {"scope": 7},
        {"client_id": 42},
        {"idtyp": "robot"},
        {"sub": ""},
    ],
)
def test_a_claim_of_the_wrong_shape_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="token"):
        principal_from_claims(claims(**bad), "roles")
