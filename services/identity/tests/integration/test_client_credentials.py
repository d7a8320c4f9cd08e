"""Services and tools get their own tokens with the client-credentials grant, with secrets
that are generated (never fixed) and handed over in owner-only files."""

import stat
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import requests

from identity_service.config import Settings

StartIdentity = Callable[..., AbstractContextManager[Settings]]
VerifyToken = Callable[..., dict[str, Any]]


def secret_in(path: Path | None) -> str:
    assert path is not None
    return path.read_text().strip()


def client_credentials(
    identity: Settings, client_id: str, secret: str, **form: str
) -> requests.Response:
    return requests.post(
        f"{identity.issuer}/token",
        data={"grant_type": "client_credentials", **form},
        auth=(client_id, secret),
    )


def test_a_missing_secret_file_is_created_owner_only_with_a_strong_secret(
    identity: Settings,
) -> None:
    for path in (identity.order_service_client_secret_file, identity.smoke_client_secret_file):
        assert path is not None
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(secret_in(path)) >= 32
    assert secret_in(identity.order_service_client_secret_file) != secret_in(
        identity.smoke_client_secret_file
    )


def test_the_order_service_gets_a_service_token_for_its_scope(
    identity: Settings, verify_token: VerifyToken
) -> None:
    answer = client_credentials(
        identity, "order-service", secret_in(identity.order_service_client_secret_file)
    )

    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert "refresh_token" not in tokens
    claims = verify_token(identity, tokens["access_token"])
    assert claims["header"]["typ"] == "at+jwt"
    assert claims["sub"] == claims["client_id"] == "order-service"
    assert claims["roles"] == []
    assert claims["scope"] == "inventory:reserve"
    assert claims["aud"] == identity.audience


def test_the_secret_may_also_be_posted_in_the_form(
    identity: Settings, verify_token: VerifyToken
) -> None:
    answer = requests.post(
        f"{identity.issuer}/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "smoke",
            "client_secret": secret_in(identity.smoke_client_secret_file),
        },
    )

    assert answer.status_code == 200, answer.text
    assert verify_token(identity, answer.json()["access_token"])["scope"] == "smoke:run"


def test_the_smoke_clients_token_carries_the_admin_role_it_needs_to_set_stock(
    identity: Settings, verify_token: VerifyToken
) -> None:
    answer = client_credentials(identity, "smoke", secret_in(identity.smoke_client_secret_file))

    claims = verify_token(identity, answer.json()["access_token"])
    assert claims["sub"] == claims["client_id"] == "smoke"
    assert claims["idtyp"] == "app"
    assert claims["roles"] == ["admin"]


def test_a_service_clients_roles_are_configured_and_may_be_none(
    start_identity: StartIdentity, verify_token: VerifyToken
) -> None:
    with start_identity(smoke_client_roles=(), order_service_client_roles=("admin",)) as identity:
        smoke = client_credentials(identity, "smoke", secret_in(identity.smoke_client_secret_file))
        order = client_credentials(
            identity, "order-service", secret_in(identity.order_service_client_secret_file)
        )
        smoke_claims = verify_token(identity, smoke.json()["access_token"])
        order_claims = verify_token(identity, order.json()["access_token"])

    assert smoke_claims["roles"] == []
    assert order_claims["roles"] == ["admin"]


def test_a_wrong_secret_is_refused(identity: Settings) -> None:
    answer = client_credentials(identity, "order-service", "x" * 43)

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert answer.headers["www-authenticate"].startswith("Basic")


def test_a_scope_of_another_client_is_refused(identity: Settings) -> None:
    answer = client_credentials(
        identity, "smoke", secret_in(identity.smoke_client_secret_file), scope="inventory:reserve"
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"


def test_the_storefront_cannot_use_client_credentials(identity: Settings) -> None:
    answer = requests.post(
        f"{identity.issuer}/token",
        data={"grant_type": "client_credentials", "client_id": "storefront"},
    )

    assert answer.status_code in (400, 401)
    assert answer.json()["error"] == "invalid_client"


def test_a_configured_secret_is_used_and_no_file_is_written(
    start_identity: StartIdentity, tmp_path: Path
) -> None:
    secret = "configured-secret-of-at-least-32-characters"
    with start_identity(smoke_client_secret=secret, smoke_client_secret_file=None) as identity:
        accepted = client_credentials(identity, "smoke", secret)
        refused = client_credentials(identity, "smoke", secret + "x")

    assert accepted.status_code == 200
    assert refused.status_code == 401
    assert not (tmp_path / "smoke-client-secret").exists()


def test_a_client_without_any_secret_cannot_authenticate(start_identity: StartIdentity) -> None:
    with start_identity(order_service_client_secret_file=None) as identity:
        answer = client_credentials(identity, "order-service", "x" * 43)

    assert answer.status_code == 401


def test_the_business_metrics_exist_from_the_start_at_zero(start_identity: StartIdentity) -> None:
    with start_identity() as identity:
        scrape = requests.get(f"{identity.issuer}/actuator/prometheus").text

    for series in [
        'identity_sign_ins_total{result="ok"} 0.0',
        'identity_sign_ins_total{result="failed"} 0.0',
        'identity_sign_ins_total{result="throttled"} 0.0',
        'identity_tokens_issued_total{grant_type="authorization_code"} 0.0',
        'identity_tokens_issued_total{grant_type="refresh_token"} 0.0',
        'identity_tokens_issued_total{grant_type="client_credentials"} 0.0',
        "identity_refresh_token_reuse_total 0.0",
    ]:
        assert series in scrape


def test_each_token_issued_is_counted_by_grant_type(start_identity: StartIdentity) -> None:
    with start_identity() as identity:
        client_credentials(identity, "smoke", secret_in(identity.smoke_client_secret_file))
        scrape = requests.get(f"{identity.issuer}/actuator/prometheus").text

    assert 'identity_tokens_issued_total{grant_type="client_credentials"} 1.0' in scrape
