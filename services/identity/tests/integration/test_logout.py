"""RP-initiated logout over real HTTP: the storefront's sign-out with its ID token ends the
browser's session here and comes back with its state; anything less trustworthy is refused
or needs the user's own confirmation."""

import asyncio
import secrets
import time
from typing import TYPE_CHECKING, Any

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from identity_service.adapters.keys import signing_key_set
from identity_service.adapters.sql_grants import SqlSigningKeyStore
from identity_service.bootstrap import key_overlap
from identity_service.config import Settings
from identity_service.domain import KeyRing
from shopkit.sql import create_engine
from testkit.http import PROBLEM_JSON

if TYPE_CHECKING:
    from conftest import FillIn, FormFields, Storefront, VerifyToken

SESSION_COOKIE = "identity_session"
STOREFRONT_HOME = "http://127.0.0.1:8000/"


def assert_invalid_logout_request(answer: requests.Response) -> dict[str, Any]:
    assert answer.status_code == 400, answer.text
    assert "location" not in answer.headers
    assert answer.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = answer.json()
    assert problem["type"] == "urn:shopstack:problem:invalid-logout-request"
    return problem


def signed_by_the_provider(identity: Settings, claims: dict[str, Any]) -> str:
    """`claims` signed with the provider's own signing key, read from its database: what
    only the provider can make."""

    async def ring() -> KeyRing:
        engine = create_engine(identity.database_url)
        try:
            return KeyRing(tuple(await SqlSigningKeyStore(engine).all()), key_overlap(identity))
        finally:
            await engine.dispose()

    return jwt.encode({"alg": "ES256"}, claims, signing_key_set(asyncio.run(ring())))


def test_the_storefront_signs_out_with_its_id_token_and_the_browser_comes_back_with_its_state(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    old_cookie = browser.cookies[SESSION_COOKIE]
    state = secrets.token_urlsafe(12)

    answer = storefront.logout(
        browser,
        identity,
        id_token_hint=tokens["id_token"],
        client_id="storefront",
        post_logout_redirect_uri=storefront.home,
        state=state,
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{storefront.home}?state={state}"
    assert answer.headers["set-cookie"].startswith(f'{SESSION_COOKIE}="";')
    assert SESSION_COOKIE not in browser.cookies
    assert not storefront.is_signed_in(browser, identity)
    with requests.Session() as replay:
        # The session row is gone too: the old cookie signs nobody in.
        replay.cookies.set(SESSION_COOKIE, old_cookie)
        assert not storefront.is_signed_in(replay, identity)


def test_the_gateways_logout_without_state_comes_back_to_its_home_page(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = storefront.logout(
        browser,
        identity,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri=storefront.home,
        client_id="storefront",
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == storefront.home


def test_without_a_post_logout_redirect_uri_the_browser_lands_on_the_signed_out_page(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = storefront.logout(browser, identity, id_token_hint=tokens["id_token"])

    assert answer.status_code == 303
    page = browser.get(identity.issuer + answer.headers["location"])
    assert page.status_code == 200
    assert "signed out" in page.text
    assert not storefront.is_signed_in(browser, identity)


def test_a_client_may_post_the_logout_request(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = browser.post(
        f"{identity.issuer}/logout",
        data={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": storefront.home,
            "state": "posted",
        },
        allow_redirects=False,
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{storefront.home}?state=posted"
    assert not storefront.is_signed_in(browser, identity)


def test_an_expired_id_token_hint_still_signs_the_user_out(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    claims = verify_token(identity, tokens["id_token"], audience="storefront")
    del claims["header"]
    an_hour_ago = int(time.time()) - 3600
    expired = signed_by_the_provider(
        identity, {**claims, "iat": an_hour_ago, "exp": an_hour_ago + 300}
    )

    answer = storefront.logout(
        browser, identity, id_token_hint=expired, post_logout_redirect_uri=storefront.home
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == storefront.home
    assert not storefront.is_signed_in(browser, identity)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8000/?next=https://evil.example/",
        "http://127.0.0.1:8000/auth/callback",
        "https://evil.example/",
        "//evil.example/",
    ],
)
def test_a_post_logout_redirect_uri_not_registered_exactly_is_a_400_problem_not_a_redirect(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str, uri: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = storefront.logout(
        browser,
        identity,
        id_token_hint=tokens["id_token"],
        client_id="storefront",
        post_logout_redirect_uri=uri,
        state="s",
    )

    problem = assert_invalid_logout_request(answer)
    assert "not registered" in problem["detail"]
    assert storefront.is_signed_in(browser, identity)


def test_an_id_token_hint_signed_with_another_key_is_refused(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    claims = verify_token(identity, tokens["id_token"], audience="storefront")
    kid = claims.pop("header")["kid"]
    # Another key that even claims the provider's key id.
    forger = ECKey.import_key({**ECKey.generate_key("P-256").as_dict(private=True), "kid": kid})
    forged = jwt.encode({"alg": "ES256", "kid": kid}, claims, KeySet([forger]))

    answer = storefront.logout(
        browser,
        identity,
        id_token_hint=forged,
        client_id="storefront",
        post_logout_redirect_uri=storefront.home,
    )

    problem = assert_invalid_logout_request(answer)
    assert "not an ID token this provider signed" in problem["detail"]
    assert storefront.is_signed_in(browser, identity)


def test_an_id_token_hint_of_another_issuer_is_refused_even_with_the_providers_signature(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    verify_token: "VerifyToken",
    email: str,
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    claims = verify_token(identity, tokens["id_token"], audience="storefront")
    del claims["header"]
    elsewhere = signed_by_the_provider(identity, {**claims, "iss": "https://evil.example"})

    answer = storefront.logout(browser, identity, id_token_hint=elsewhere)

    assert "another issuer" in assert_invalid_logout_request(answer)["detail"]
    assert storefront.is_signed_in(browser, identity)


def test_an_access_token_is_no_id_token_hint(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)

    answer = storefront.logout(browser, identity, id_token_hint=tokens["access_token"])

    assert_invalid_logout_request(answer)
    assert storefront.is_signed_in(browser, identity)


@pytest.mark.parametrize(
    ("parameters", "with_hint", "detail"),
    [
        ({"client_id": "nobody"}, False, "names no client"),
        ({"client_id": "smoke"}, True, "not issued to"),
        ({"post_logout_redirect_uri": STOREFRONT_HOME}, False, "needs a client_id"),
    ],
    ids=["unknown-client", "another-clients-id", "redirect-without-client"],
)
def test_a_logout_request_that_names_no_trustworthy_client_is_a_400_problem(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    email: str,
    parameters: dict[str, str],
    with_hint: bool,
    detail: str,
) -> None:
    tokens = storefront.tokens_for_new_customer(browser, identity, email)
    hint = {"id_token_hint": tokens["id_token"]} if with_hint else {}

    answer = storefront.logout(browser, identity, **hint, **parameters)

    assert detail in assert_invalid_logout_request(answer)["detail"]
    assert storefront.is_signed_in(browser, identity)


def test_an_overlong_parameter_is_a_422_problem(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    answer = storefront.logout(browser, identity, client_id="storefront", state="s" * 1025)

    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["type"] == "urn:shopstack:problem:validation-error"


def confirmation_page(
    browser: requests.Session, identity: Settings, storefront: "Storefront", state: str
) -> requests.Response:
    """What a page on another site gets by sending the browser to /logout, without an ID
    token (a link or a redirect: a top-level GET, which carries the Lax cookie)."""
    return browser.get(
        f"{identity.issuer}/logout",
        params={
            "client_id": "storefront",
            "post_logout_redirect_uri": storefront.home,
            "state": state,
        },
        headers={"Referer": "https://evil.example/", "Sec-Fetch-Site": "cross-site"},
        allow_redirects=False,
    )


def test_a_cross_site_get_without_an_id_token_only_shows_the_confirmation_page(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    form_fields: "FormFields",
    email: str,
) -> None:
    storefront.tokens_for_new_customer(browser, identity, email)

    page = confirmation_page(browser, identity, storefront, "s1")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "Sign out of shopstack?" in page.text
    assert email in page.text
    fields = form_fields(page)
    assert fields["csrfToken"]
    assert fields["post_logout_redirect_uri"] == storefront.home
    assert fields["state"] == "s1"
    assert "set-cookie" not in page.headers
    assert storefront.is_signed_in(browser, identity)


def test_signing_out_on_the_confirmation_page_ends_the_session_and_goes_back_with_the_state(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    fill_in: "FillIn",
    email: str,
) -> None:
    storefront.tokens_for_new_customer(browser, identity, email)
    page = confirmation_page(browser, identity, storefront, "s2")

    answer = fill_in(browser, page, "/logout")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{storefront.home}?state=s2"
    assert not storefront.is_signed_in(browser, identity)


def test_a_confirmation_posted_without_the_pages_token_is_refused(
    identity: Settings,
    browser: requests.Session,
    storefront: "Storefront",
    fill_in: "FillIn",
    email: str,
) -> None:
    storefront.tokens_for_new_customer(browser, identity, email)
    page = confirmation_page(browser, identity, storefront, "s3")

    answer = fill_in(browser, page, "/logout", csrfToken="guessed")

    assert answer.status_code == 403
    assert answer.json()["type"] == "urn:shopstack:problem:csrf-token-invalid"
    assert storefront.is_signed_in(browser, identity)


def test_an_id_token_of_another_customer_only_shows_the_confirmation_page(
    identity: Settings, browser: requests.Session, storefront: "Storefront", email: str
) -> None:
    with requests.Session() as other_browser:
        other_email = f"other-{secrets.token_hex(6)}@example.com"
        theirs = storefront.tokens_for_new_customer(other_browser, identity, other_email)
    storefront.tokens_for_new_customer(browser, identity, email)

    page = storefront.logout(
        browser,
        identity,
        id_token_hint=theirs["id_token"],
        post_logout_redirect_uri=storefront.home,
    )

    assert page.status_code == 200
    assert "Sign out of shopstack?" in page.text
    assert storefront.is_signed_in(browser, identity)


def test_with_nobody_signed_in_the_browser_is_sent_straight_back(
    identity: Settings, browser: requests.Session, storefront: "Storefront"
) -> None:
    answer = storefront.logout(
        browser,
        identity,
        client_id="storefront",
        post_logout_redirect_uri=storefront.home,
        state="s4",
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{storefront.home}?state=s4"
