"""The storefront's sign-in over real HTTP: authorization code with PKCE (S256 only), exact
redirect URIs, state and nonce, and the tokens the code buys."""

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from identity_service.config import Settings
from testkit.http import PROBLEM_JSON

if TYPE_CHECKING:
    from conftest import FillIn, FormFields, Storefront, VerifyToken


def test_a_customer_signs_up_on_the_way_and_the_storefront_gets_a_code_with_its_state(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge)

    answer = storefront.start(browser, identity, request)
    assert urlsplit(answer.headers["location"]).path == "/sign-in"
    callback = storefront.callback_of(
        storefront.sign_up_on_the_way(browser, identity, answer, email)
    )

    assert callback["state"] == request["state"]
    assert len(callback["code"]) >= 32


def test_the_code_and_its_verifier_buy_short_lived_es256_tokens_for_the_customer(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    verifier, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge)
    answer = storefront.start(browser, identity, request)
    landed = storefront.sign_up_on_the_way(browser, identity, answer, email)
    code = storefront.callback_of(landed)["code"]

    exchanged = storefront.exchange(identity, code, verifier)

    assert exchanged.status_code == 200, exchanged.text
    assert exchanged.headers["cache-control"] == "no-store"
    tokens = exchanged.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == identity.access_token_lifetime_seconds <= 900
    access = verify_token(identity, tokens["access_token"])
    assert access["header"]["typ"] == "at+jwt"
    assert access["header"]["alg"] == "ES256"
    assert access["header"]["kid"]
    assert access["client_id"] == "storefront"
    assert access["sub"] != "storefront"
    assert access["roles"] == ["customer"]
    assert set(access["scope"].split()) == {"openid", "email"}
    assert access["jti"]
    assert access["exp"] - access["iat"] == identity.access_token_lifetime_seconds
    id_token = verify_token(identity, tokens["id_token"], audience="storefront")
    assert id_token["nonce"] == request["nonce"]
    assert id_token["sub"] == access["sub"]
    assert id_token["email"] == email
    assert id_token["header"]["kid"]
    assert tokens["refresh_token"]


def test_a_signed_in_customer_is_sent_straight_back_with_a_code(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    storefront.code_for_new_customer(browser, identity, email)
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge)

    callback = storefront.callback_of(storefront.start(browser, identity, request))

    assert callback["state"] == request["state"]
    assert "code" in callback


def test_prompt_login_asks_a_signed_in_customer_to_sign_in_again(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    fill_in: "FillIn",
    email: str,
) -> None:
    storefront.code_for_new_customer(browser, identity, email)
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, prompt="login")

    answer = storefront.start(browser, identity, request)
    assert answer.status_code == 303
    page = browser.get(identity.issuer + answer.headers["location"])
    signed_in = fill_in(browser, page, "/sign-in", email=email, password=storefront.password)
    landed = browser.get(identity.issuer + signed_in.headers["location"], allow_redirects=False)

    assert storefront.callback_of(landed)["state"] == request["state"]


def test_prompt_create_sends_the_browser_to_sign_up_and_back_with_a_code_for_the_new_account(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    fill_in: "FillIn",
    form_fields: "FormFields",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    verifier, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, prompt="create")

    answer = storefront.start(browser, identity, request)

    assert answer.status_code == 303
    assert urlsplit(answer.headers["location"]).path == "/sign-up"
    page = browser.get(identity.issuer + answer.headers["location"])
    assert "Create an account" in page.text
    continuation = form_fields(page)["next"]
    assert continuation.startswith("/authorize?")
    assert "prompt" not in parse_qs(urlsplit(continuation).query)
    signed_up = fill_in(browser, page, "/sign-up", email=email, password=storefront.password)
    landed = browser.get(identity.issuer + signed_up.headers["location"], allow_redirects=False)
    callback = storefront.callback_of(landed)
    assert callback["state"] == request["state"]
    tokens = storefront.exchange(identity, callback["code"], verifier).json()
    assert verify_token(identity, tokens["id_token"], audience="storefront")["email"] == email


def test_prompt_create_shows_the_sign_up_page_to_a_signed_in_customer_too(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    storefront.code_for_new_customer(browser, identity, email)
    _, challenge = storefront.pkce_pair()

    answer = storefront.start(
        browser, identity, storefront.authorization_request(challenge, prompt="create")
    )

    assert answer.status_code == 303
    assert urlsplit(answer.headers["location"]).path == "/sign-up"


def test_prompt_create_with_an_unregistered_redirect_uri_is_refused_before_any_page(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(
        challenge, prompt="create", redirect_uri="https://evil.example/auth/callback"
    )

    answer = storefront.start(browser, identity, request)

    assert answer.status_code == 400
    assert answer.json()["type"] == "urn:shopstack:problem:invalid-authorization-request"


def test_prompt_create_with_none_is_an_invalid_request_at_the_redirect_uri(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, prompt="none create")

    callback = storefront.callback_of(storefront.start(browser, identity, request))

    assert callback["error"] == "invalid_request"
    assert callback["state"] == request["state"]


def test_the_storefronts_id_token_carries_the_customers_email_and_roles(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    verifier, challenge = storefront.pkce_pair()
    # The scope the gateway asks for.
    request = storefront.authorization_request(challenge, scope="openid profile email")
    answer = storefront.start(browser, identity, request)
    code = storefront.callback_of(storefront.sign_up_on_the_way(browser, identity, answer, email))

    tokens = storefront.exchange(identity, code["code"], verifier).json()

    id_token = verify_token(identity, tokens["id_token"], audience="storefront")
    assert id_token["email"] == email
    assert id_token["roles"] == ["customer"]
    assert "sid" not in id_token


def test_the_admins_id_token_carries_the_admin_role(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    fill_in: "FillIn",
    verify_token: "VerifyToken",
) -> None:
    assert identity.admin_password_file is not None
    password = identity.admin_password_file.read_text().strip()
    verifier, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, scope="openid profile email")
    answer = storefront.start(browser, identity, request)
    page = browser.get(identity.issuer + answer.headers["location"])
    signed_in = fill_in(browser, page, "/sign-in", email=identity.admin_email, password=password)
    landed = browser.get(identity.issuer + signed_in.headers["location"], allow_redirects=False)

    tokens = storefront.exchange(identity, storefront.callback_of(landed)["code"], verifier).json()

    id_token = verify_token(identity, tokens["id_token"], audience="storefront")
    assert id_token["email"] == identity.admin_email
    assert id_token["roles"] == ["admin"]


def test_prompt_none_without_a_session_tells_the_client_login_required(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, prompt="none")

    callback = storefront.callback_of(storefront.start(browser, identity, request))

    assert callback == {"error": "login_required", "state": request["state"]}


@pytest.mark.parametrize(
    ("pkce", "description"),
    [
        ({"code_challenge_method": "plain"}, "S256"),
        ({"code_challenge_method": ""}, "S256"),
        ({"code_challenge": "", "code_challenge_method": ""}, "PKCE is required"),
    ],
    ids=["plain", "method-missing", "no-pkce"],
)
def test_an_authorization_request_without_s256_pkce_is_refused_at_the_redirect_uri(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    pkce: dict[str, str],
    description: str,
) -> None:
    verifier, challenge = storefront.pkce_pair()
    request = {
        name: value
        for name, value in {**storefront.authorization_request(challenge), **pkce}.items()
        if value != ""
    }
    if pkce.get("code_challenge_method") == "plain":
        request["code_challenge"] = verifier

    callback = storefront.callback_of(storefront.start(browser, identity, request))

    assert callback["error"] == "invalid_request"
    assert description in callback["error_description"]
    assert callback["state"] == request["state"]
    assert "code" not in callback


def test_a_wrong_code_verifier_gets_no_tokens(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    code, _ = storefront.code_for_new_customer(browser, identity, email)

    exchanged = storefront.exchange(identity, code, storefront.pkce_pair()[0])

    assert exchanged.status_code == 400
    assert exchanged.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:8000/auth/callback/",
        "http://127.0.0.1:8000/auth/callback?x=1",
        "http://127.0.0.1:8000/auth/callback-evil",
        "https://evil.example/auth/callback",
    ],
)
def test_a_redirect_uri_not_registered_exactly_is_refused_here_not_redirected_to(
    identity: Settings, browser: requests.Session, storefront: "Storefront", redirect_uri: str
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, redirect_uri=redirect_uri)

    answer = storefront.start(browser, identity, request)

    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert answer.headers["content-type"] == PROBLEM_JSON
    problem = answer.json()
    assert problem["type"] == "urn:shopstack:problem:invalid-authorization-request"
    assert problem["error"] == "invalid_request"


def test_an_unknown_client_is_refused_here(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, client_id="nobody")

    answer = storefront.start(browser, identity, request)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_client"


def test_a_nonce_longer_than_255_characters_is_refused_at_the_redirect_uri(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    _, challenge = storefront.pkce_pair()
    request = storefront.authorization_request(challenge, nonce="n" * 256)

    callback = storefront.callback_of(storefront.start(browser, identity, request))

    assert callback["error"] == "invalid_request"


def test_a_code_is_redeemed_once_and_its_replay_revokes_the_tokens_it_gave(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    code, verifier = storefront.code_for_new_customer(browser, identity, email)
    first = storefront.exchange(identity, code, verifier)
    assert first.status_code == 200

    replay = storefront.exchange(identity, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    refreshed = storefront.refresh(identity, first.json()["refresh_token"])
    assert refreshed.json()["error"] == "invalid_grant"


def test_a_token_request_for_an_unsupported_grant_is_an_oauth_error(identity: Settings) -> None:
    answer = requests.post(
        f"{identity.issuer}/token", data={"grant_type": "password", "client_id": "storefront"}
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"
