"""The storefront's tokens after sign-in: refresh rotation and reuse detection, userinfo,
revocation; and, through a whole sign-in, not one secret in any log line."""

import asyncio
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from identity_service.adapters.sql_grants import SqlSigningKeyStore
from identity_service.config import Settings
from shopkit.logging import JsonFormatter
from shopkit.sql import create_engine

if TYPE_CHECKING:
    from conftest import FillIn, FormFields, StartIdentity, Storefront, VerifyToken


def test_a_refresh_rotates_the_refresh_token_and_keeps_the_customer(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    refreshed = storefront.refresh(identity, tokens["refresh_token"])

    assert refreshed.status_code == 200, refreshed.text
    renewed = refreshed.json()
    assert renewed["refresh_token"] != tokens["refresh_token"]
    before = verify_token(identity, tokens["access_token"])
    after = verify_token(identity, renewed["access_token"])
    assert after["sub"] == before["sub"]
    assert after["roles"] == ["customer"]
    assert storefront.refresh(identity, renewed["refresh_token"]).status_code == 200


def reuse_count(identity: Settings) -> float:
    scrape = requests.get(f"{identity.issuer}/actuator/prometheus").text
    counter = "identity_refresh_token_reuse_total"
    return float(next(line for line in scrape.splitlines() if line.startswith(counter)).split()[-1])


def test_a_rotated_refresh_token_presented_again_revokes_its_whole_family(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    stolen = tokens["refresh_token"]
    newest = storefront.refresh(identity, stolen).json()["refresh_token"]
    reuse_before = reuse_count(identity)

    replay = storefront.refresh(identity, stolen)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert storefront.refresh(identity, newest).json()["error"] == "invalid_grant"
    assert reuse_count(identity) == reuse_before + 1


def test_userinfo_answers_the_customers_claims_for_an_openid_token(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = requests.get(
        f"{identity.issuer}/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "sub": verify_token(identity, tokens["access_token"])["sub"],
        "email": email,
        "email_verified": False,
        "roles": ["customer"],
    }


@pytest.mark.parametrize(
    ("authorization", "status", "error"),
    [
        (None, 401, "missing_authorization"),
        ("Bearer not-a-token", 401, "invalid_token"),
        ("Basic dXNlcjpwYXNz", 401, "unsupported_token_type"),
    ],
)
def test_userinfo_refuses_a_request_without_a_valid_access_token(
    identity: Settings, authorization: str | None, status: int, error: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    answer = requests.get(f"{identity.issuer}/userinfo", headers=headers)

    assert answer.status_code == status
    assert answer.json()["error"] == error
    assert "www-authenticate" in answer.headers


def test_userinfo_refuses_a_service_token_without_openid(identity: Settings) -> None:
    assert identity.smoke_client_secret_file is not None
    service = requests.post(
        f"{identity.issuer}/token",
        data={"grant_type": "client_credentials"},
        auth=("smoke", identity.smoke_client_secret_file.read_text().strip()),
    ).json()

    answer = requests.get(
        f"{identity.issuer}/userinfo",
        headers={"Authorization": f"Bearer {service['access_token']}"},
    )

    assert answer.status_code == 403
    assert answer.json()["error"] == "insufficient_scope"


def revoke(identity: Settings, token: str, **form: str) -> requests.Response:
    return requests.post(
        f"{identity.issuer}/revoke", data={"token": token, "client_id": "storefront", **form}
    )


def test_revoking_a_refresh_token_revokes_its_family(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    newest = storefront.refresh(identity, tokens["refresh_token"]).json()["refresh_token"]

    answer = revoke(identity, tokens["refresh_token"], token_type_hint="refresh_token")

    assert answer.status_code == 200
    assert storefront.refresh(identity, newest).json()["error"] == "invalid_grant"


def test_the_storefront_revokes_its_refresh_token_by_client_id_and_it_buys_nothing_after(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    # What the gateway's sign-out sends: a public client, authenticated by its id alone.
    answer = requests.post(
        f"{identity.issuer}/revoke",
        data={
            "token": tokens["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": "storefront",
        },
    )

    assert answer.status_code == 200, answer.text
    refused = storefront.refresh(identity, tokens["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_a_revocation_without_a_client_is_refused_and_the_token_keeps_working(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = requests.post(f"{identity.issuer}/revoke", data={"token": tokens["refresh_token"]})

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert storefront.refresh(identity, tokens["refresh_token"]).status_code == 200


def test_another_client_cannot_revoke_the_storefronts_refresh_token(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    assert identity.smoke_client_secret_file is not None
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = requests.post(
        f"{identity.issuer}/revoke",
        data={"token": tokens["refresh_token"]},
        auth=("smoke", identity.smoke_client_secret_file.read_text().strip()),
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert storefront.refresh(identity, tokens["refresh_token"]).status_code == 200


def test_revoking_an_unknown_token_is_answered_200_as_rfc_7009_says(identity: Settings) -> None:
    assert revoke(identity, "never-issued").status_code == 200


def test_an_access_token_cannot_be_revoked_and_the_answer_says_so(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = revoke(identity, tokens["access_token"])

    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_token_type"


def test_no_password_token_or_secret_appears_in_any_log_line(
    start_identity: "StartIdentity",
    fresh_database_url: str,
    browser: requests.Session,
    storefront: "Storefront",
    fill_in: "FillIn",
    form_fields: "FormFields",
    email: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with start_identity(database_url=fresh_database_url) as identity:
        verifier, challenge = storefront.pkce_pair()
        answer = storefront.start(browser, identity, storefront.authorization_request(challenge))
        sign_in_page = browser.get(identity.issuer + answer.headers["location"])
        csrf_token = form_fields(sign_in_page)["csrfToken"]
        landed = storefront.sign_up_on_the_way(browser, identity, answer, email)
        code = storefront.callback_of(landed)["code"]
        tokens = storefront.exchange(identity, code, verifier).json()
        refreshed = storefront.refresh(identity, tokens["refresh_token"]).json()
        storefront.refresh(identity, tokens["refresh_token"])  # a replay, logged as one
        requests.get(
            f"{identity.issuer}/userinfo",
            headers={"Authorization": f"Bearer {refreshed['access_token']}"},
        )
        session_signed_in = browser.cookies["identity_session"]
        storefront.logout(
            browser,
            identity,
            id_token_hint=tokens["id_token"],
            post_logout_redirect_uri=storefront.home,
        )
        files = [
            identity.admin_password_file,
            identity.smoke_client_secret_file,
            identity.order_service_client_secret_file,
        ]
        secrets_in_files = [Path(str(path)).read_text().strip() for path in files]
        service = requests.post(
            f"{identity.issuer}/token",
            data={"grant_type": "client_credentials"},
            auth=("smoke", secrets_in_files[1]),
        ).json()
        page = browser.get(f"{identity.issuer}/sign-in")
        fill_in(browser, page, "/sign-in", email=email, password="a wrong password!")
        session_cookie = browser.cookies["identity_session"]
        private_keys = asyncio.run(private_key_parameters(identity.database_url))

    secrets_seen = [
        storefront.password,
        "a wrong password!",
        verifier,
        code,
        csrf_token,
        session_cookie,
        session_signed_in,
        tokens["access_token"],
        tokens["refresh_token"],
        tokens["id_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
        service["access_token"],
        *secrets_in_files,
        *private_keys,
    ]
    formatter = JsonFormatter("identity")
    # urllib3 is the test's own browser, logging the URLs it is sent to (a logout URL holds
    # the ID token, as RP-Initiated Logout has it): what the service logs is the question.
    lines = [
        formatter.format(record)
        for record in caplog.records
        if not record.name.startswith("urllib3")
    ]
    assert len(lines) > 20, "the flow was logged (access log, sign-ins, token reuse)"
    leaks = [(secret[:8], line) for secret in secrets_seen for line in lines if secret in line]
    assert leaks == []


async def private_key_parameters(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        keys = await SqlSigningKeyStore(engine).all()
    finally:
        await engine.dispose()
    return [json.loads(key.private_jwk)["d"] for key in keys]
