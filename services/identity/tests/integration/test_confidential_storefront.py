"""The storefront as a confidential client (a backend for frontend keeping its tokens server
side), over real HTTP: PKCE still required, and its secret at every token and revocation
request. Whatever fails client authentication is refused before the code or refresh token
is looked at, so neither is used up by it."""

import secrets
import stat
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from identity_service.config import Settings

if TYPE_CHECKING:
    from conftest import ClientAuth, Storefront

StartIdentity = Callable[..., AbstractContextManager[Settings]]


def credentials_of(identity: Settings) -> "ClientAuth":
    """The storefront's client id and the secret the identity service wrote for it."""
    assert identity.storefront_client_secret_file is not None
    return "storefront", identity.storefront_client_secret_file.read_text().strip()


def wrong_credentials() -> "ClientAuth":
    return "storefront", secrets.token_urlsafe(32)


def assert_invalid_client(answer: requests.Response) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"] == "invalid_client"


# How a request can fail to authenticate the storefront: (auth, extra form fields).
UNAUTHENTICATED = {
    "without-secret": (False, {}),
    "wrong-basic-secret": (True, {}),
    "wrong-posted-secret": (False, {"client_secret": secrets.token_urlsafe(32)}),
}


def unauthenticated(case: str) -> tuple["ClientAuth | None", dict[str, str]]:
    basic, form = UNAUTHENTICATED[case]
    return (wrong_credentials() if basic else None), form


def test_a_missing_storefront_secret_file_is_created_owner_only_with_a_strong_secret(
    confidential_identity: Settings,
) -> None:
    path = confidential_identity.storefront_client_secret_file
    assert path is not None

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(credentials_of(confidential_identity)[1]) >= 32


def test_discovery_lists_the_secret_methods_for_the_token_and_revocation_endpoints(
    confidential_identity: Settings,
) -> None:
    metadata = requests.get(
        f"{confidential_identity.issuer}/.well-known/openid-configuration"
    ).json()

    for endpoint in ("token", "revocation"):
        methods = metadata[f"{endpoint}_endpoint_auth_methods_supported"]
        assert {"client_secret_basic", "client_secret_post"} <= set(methods)
    assert metadata["code_challenge_methods_supported"] == ["S256"]


def test_the_whole_code_flow_with_basic_auth_ends_with_a_revoked_refresh_token(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
) -> None:
    auth = credentials_of(confidential_identity)
    code, verifier = storefront.code_for_new_customer(browser, confidential_identity, email)

    exchanged = storefront.exchange(confidential_identity, code, verifier, auth)
    assert exchanged.status_code == 200, exchanged.text
    tokens = exchanged.json()
    assert {"access_token", "id_token", "refresh_token"} <= set(tokens)

    refreshed = storefront.refresh(confidential_identity, tokens["refresh_token"], auth)
    assert refreshed.status_code == 200, refreshed.text
    renewed = refreshed.json()["refresh_token"]
    assert renewed != tokens["refresh_token"]

    revoked = storefront.revoke(confidential_identity, renewed, auth)
    assert revoked.status_code == 200, revoked.text

    after = storefront.refresh(confidential_identity, renewed, auth)
    assert after.status_code == 400
    assert after.json()["error"] == "invalid_grant"


def test_the_secret_may_also_be_posted_in_the_form(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
) -> None:
    _, secret = credentials_of(confidential_identity)
    code, verifier = storefront.code_for_new_customer(browser, confidential_identity, email)

    exchanged = storefront.exchange(confidential_identity, code, verifier, client_secret=secret)
    assert exchanged.status_code == 200, exchanged.text
    refreshed = storefront.refresh(
        confidential_identity, exchanged.json()["refresh_token"], client_secret=secret
    )

    assert refreshed.status_code == 200, refreshed.text


@pytest.mark.parametrize("case", UNAUTHENTICATED)
def test_a_code_redemption_without_the_right_secret_is_refused_and_leaves_the_code_usable(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
    case: str,
) -> None:
    auth, form = unauthenticated(case)
    code, verifier = storefront.code_for_new_customer(browser, confidential_identity, email)

    refused = storefront.exchange(confidential_identity, code, verifier, auth, **form)

    assert_invalid_client(refused)
    redeemed = storefront.exchange(
        confidential_identity, code, verifier, credentials_of(confidential_identity)
    )
    assert redeemed.status_code == 200, redeemed.text


def test_a_refused_basic_attempt_names_the_basic_scheme(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
) -> None:
    code, verifier = storefront.code_for_new_customer(browser, confidential_identity, email)

    refused = storefront.exchange(confidential_identity, code, verifier, wrong_credentials())

    # RFC 6749 section 5.2: a client that tried the Authorization header is told its scheme.
    assert refused.headers["www-authenticate"].startswith("Basic ")


@pytest.mark.parametrize("case", UNAUTHENTICATED)
def test_a_refresh_without_the_right_secret_is_refused_and_the_token_keeps_working(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
    case: str,
) -> None:
    auth, form = unauthenticated(case)
    credentials = credentials_of(confidential_identity)
    tokens = storefront.tokens_for_new_customer(browser, confidential_identity, email, credentials)

    refused = storefront.refresh(confidential_identity, tokens["refresh_token"], auth, **form)

    assert_invalid_client(refused)
    # Not taken for a replay either: the token was never looked up.
    refreshed = storefront.refresh(confidential_identity, tokens["refresh_token"], credentials)
    assert refreshed.status_code == 200, refreshed.text


@pytest.mark.parametrize("case", UNAUTHENTICATED)
def test_a_revocation_without_the_right_secret_is_refused_and_the_token_keeps_working(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
    case: str,
) -> None:
    auth, form = unauthenticated(case)
    credentials = credentials_of(confidential_identity)
    tokens = storefront.tokens_for_new_customer(browser, confidential_identity, email, credentials)

    refused = storefront.revoke(confidential_identity, tokens["refresh_token"], auth, **form)

    assert_invalid_client(refused)
    refreshed = storefront.refresh(confidential_identity, tokens["refresh_token"], credentials)
    assert refreshed.status_code == 200, refreshed.text


def test_pkce_is_still_required_of_the_confidential_storefront(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge)
    del request["code_challenge"], request["code_challenge_method"]

    callback = storefront.callback_of(storefront.start(browser, confidential_identity, request))

    assert callback["error"] == "invalid_request"
    assert "PKCE is required" in callback["error_description"]
    assert "code" not in callback


def test_the_secret_does_not_stand_in_for_the_code_verifier(
    confidential_identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
) -> None:
    code, _ = storefront.code_for_new_customer(browser, confidential_identity, email)
    auth = credentials_of(confidential_identity)

    without_verifier = requests.post(
        f"{confidential_identity.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": storefront.callback,
        },
        auth=auth,
    )

    assert without_verifier.status_code == 400
    assert without_verifier.json()["error"] == "invalid_request"


def test_an_existing_storefront_secret_file_is_read_and_kept(
    start_identity: StartIdentity, tmp_path: Path, storefront: "Storefront"
) -> None:
    path = tmp_path / "storefront-secret"
    secret = secrets.token_urlsafe(32)
    path.write_text(secret + "\n")
    path.chmod(0o600)

    with start_identity(storefront_client_secret_file=path) as identity:
        # A refresh token nobody issued: client authentication comes first, so the answer
        # tells whether the secret was accepted (invalid_grant) or not (invalid_client).
        unknown_token = secrets.token_urlsafe(32)
        accepted = storefront.refresh(identity, unknown_token, ("storefront", secret))
        refused = storefront.refresh(identity, unknown_token, wrong_credentials())

    assert accepted.status_code == 400
    assert accepted.json()["error"] == "invalid_grant"
    assert_invalid_client(refused)
    assert path.read_text() == secret + "\n"


def test_a_configured_storefront_secret_authenticates_it(
    start_identity: StartIdentity, storefront: "Storefront"
) -> None:
    secret = secrets.token_urlsafe(32)

    with start_identity(storefront_client_secret=secret) as identity:
        unknown_token = secrets.token_urlsafe(32)
        accepted = storefront.refresh(identity, unknown_token, ("storefront", secret))
        public_style = storefront.refresh(identity, unknown_token)

    assert accepted.json()["error"] == "invalid_grant"
    assert_invalid_client(public_style)
