"""The sign-in and sign-up pages over real HTTP: accounts, CSRF, throttling, uniform
failures, and what every page sends along."""

import re
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
import requests

from identity_service.config import Settings
from testkit.http import PROBLEM_JSON

FillIn = Callable[..., requests.Response]
FormFields = Callable[[requests.Response], dict[str, str]]
StartIdentity = Callable[..., AbstractContextManager[Settings]]

PASSWORD = "correct horse battery staple"


def sign_up(
    browser: requests.Session,
    identity: Settings,
    fill_in: FillIn,
    email: str,
    password: str = PASSWORD,
) -> requests.Response:
    page = browser.get(f"{identity.issuer}/sign-up")
    return fill_in(browser, page, "/sign-up", email=email, password=password)


def sign_in(
    browser: requests.Session,
    identity: Settings,
    fill_in: FillIn,
    email: str,
    password: str = PASSWORD,
) -> requests.Response:
    page = browser.get(f"{identity.issuer}/sign-in")
    return fill_in(browser, page, "/sign-in", email=email, password=password)


def test_the_sign_in_page_is_labelled_without_script_or_inline_style(
    identity: Settings, browser: requests.Session
) -> None:
    page = browser.get(f"{identity.issuer}/sign-in")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert '<label for="email">' in page.text
    assert '<label for="password">' in page.text
    assert re.search(r"<script|<style|\sstyle=|\son[a-z]+=", page.text, re.IGNORECASE) is None
    stylesheet = browser.get(f"{identity.issuer}/static/identity.css")
    assert stylesheet.status_code == 200


def test_the_login_session_cookie_is_http_only_and_same_site_lax(
    identity: Settings, browser: requests.Session
) -> None:
    page = browser.get(f"{identity.issuer}/sign-in")

    cookie = page.headers["set-cookie"]
    assert cookie.startswith("identity_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


def test_a_new_customer_is_signed_in_right_after_signing_up(
    identity: Settings, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    answer = sign_up(browser, identity, fill_in, email.upper())

    assert answer.status_code == 303
    assert answer.headers["location"] == "/signed-in"
    page = browser.get(f"{identity.issuer}/signed-in")
    assert f"signed in as {email}" in page.text


def test_signing_in_replaces_the_session_so_a_planted_one_is_never_signed_in(
    identity: Settings, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    sign_up(browser, identity, fill_in, email)
    browser.cookies.clear()
    planted = browser.get(f"{identity.issuer}/sign-in").cookies["identity_session"]

    answer = sign_in(browser, identity, fill_in, email)

    assert answer.status_code == 303
    assert browser.cookies["identity_session"] != planted
    with requests.Session() as attacker:
        attacker.cookies.set("identity_session", planted)
        assert (
            attacker.get(f"{identity.issuer}/signed-in", allow_redirects=False).status_code == 303
        )


def test_an_email_signs_up_once(
    identity: Settings, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    sign_up(browser, identity, fill_in, email)
    browser.cookies.clear()

    again = sign_up(browser, identity, fill_in, email)

    assert again.status_code == 409
    assert "Email taken" in again.text
    assert email in again.text


@pytest.mark.parametrize(
    ("email_field", "password", "status", "slug"),
    [
        ("not-an-email", PASSWORD, 422, "invalid-email"),
        (None, "short", 422, "password-too-short"),
        (None, "x" * 129, 422, "password-too-long"),
    ],
)
def test_a_bad_sign_up_is_a_422_problem_for_an_api_client(
    identity: Settings,
    fill_in: FillIn,
    email: str,
    email_field: str | None,
    password: str,
    status: int,
    slug: str,
) -> None:
    with requests.Session() as client:
        page = client.get(f"{identity.issuer}/sign-up")
        answer = fill_in(client, page, "/sign-up", email=email_field or email, password=password)

    assert answer.status_code == status
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["type"] == f"urn:shopstack:problem:{slug}"


def test_a_browser_sees_the_form_again_with_the_error_and_its_email(
    identity: Settings,
    browser: requests.Session,
    fill_in: FillIn,
    form_fields: FormFields,
    email: str,
) -> None:
    page = browser.get(f"{identity.issuer}/sign-up")

    answer = fill_in(browser, page, "/sign-up", email=email, password="short")

    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in answer.text
    assert "at least 12 characters" in answer.text
    assert form_fields(answer)["email"] == email
    assert "short" not in form_fields(answer).get("password", "")


def test_a_form_without_its_csrf_token_is_refused(
    identity: Settings, browser: requests.Session, email: str
) -> None:
    browser.get(f"{identity.issuer}/sign-up")

    answer = browser.post(
        f"{identity.issuer}/sign-up",
        data={"email": email, "password": PASSWORD, "csrfToken": ""},
        allow_redirects=False,
    )

    assert answer.status_code == 403
    assert "Form expired" in answer.text


def test_a_form_with_another_sessions_token_is_refused(
    identity: Settings, browser: requests.Session, form_fields: FormFields, email: str
) -> None:
    with requests.Session() as attacker:
        foreign_token = form_fields(attacker.get(f"{identity.issuer}/sign-up"))["csrfToken"]
    browser.get(f"{identity.issuer}/sign-up")

    answer = browser.post(
        f"{identity.issuer}/sign-up",
        data={"email": email, "password": PASSWORD, "csrfToken": foreign_token},
        headers={"Accept": "application/json"},
        allow_redirects=False,
    )

    assert answer.status_code == 403
    assert answer.json()["type"] == "urn:shopstack:problem:csrf-token-invalid"


def test_a_form_posted_without_the_session_cookie_is_refused(
    identity: Settings, form_fields: FormFields, email: str
) -> None:
    with requests.Session() as victim:
        token = form_fields(victim.get(f"{identity.issuer}/sign-in"))["csrfToken"]

    answer = requests.post(
        f"{identity.issuer}/sign-in",
        data={"email": email, "password": PASSWORD, "csrfToken": token},
        allow_redirects=False,
    )

    assert answer.status_code == 403
    assert answer.headers["content-type"] == PROBLEM_JSON


def test_a_sign_in_never_continues_to_another_site(
    identity: Settings, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    sign_up(browser, identity, fill_in, email)
    page = browser.get(f"{identity.issuer}/sign-in", params={"next": "https://evil.example/x"})

    answer = fill_in(
        browser, page, "/sign-in", email=email, password=PASSWORD, next="https://evil.example/"
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/signed-in"


def failed_sign_in(
    identity: Settings, fill_in: FillIn, email: str, password: str
) -> requests.Response:
    with requests.Session() as client:
        page = client.get(f"{identity.issuer}/sign-in")
        return fill_in(client, page, "/sign-in", email=email, password=password)


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(
    identity: Settings, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    sign_up(browser, identity, fill_in, email)

    unknown = failed_sign_in(identity, fill_in, f"unknown-{email}", PASSWORD)
    wrong = failed_sign_in(identity, fill_in, email, PASSWORD + "!")

    assert unknown.status_code == wrong.status_code == 401
    assert {**unknown.json(), "instance": None} == {**wrong.json(), "instance": None}
    assert unknown.json()["type"] == "urn:shopstack:problem:sign-in-failed"


def test_an_unknown_email_takes_as_long_as_a_wrong_password(
    start_identity: StartIdentity, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    with start_identity(
        sign_in_max_failures_per_account=100, sign_in_max_failures_per_address=100
    ) as identity:
        sign_up(browser, identity, fill_in, email)

        def median_seconds(login: str) -> float:
            durations = []
            for _ in range(5):
                with requests.Session() as client:
                    page = client.get(f"{identity.issuer}/sign-in")
                    started = time.perf_counter()
                    fill_in(client, page, "/sign-in", email=login, password="wrong password here")
                    durations.append(time.perf_counter() - started)
            return statistics.median(durations)

        unknown, known = median_seconds(f"unknown-{email}"), median_seconds(email)

    # Both run one argon2id verification (tens of milliseconds); without the dummy hash the
    # unknown email would answer in about a millisecond.
    assert unknown > 0.5 * known


def test_an_account_is_throttled_with_429_and_retry_after(
    start_identity: StartIdentity, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    with start_identity(
        sign_in_max_failures_per_account=3, sign_in_max_failures_per_address=100
    ) as identity:
        sign_up(browser, identity, fill_in, email)
        for _ in range(3):
            assert failed_sign_in(identity, fill_in, email, "wrong password!").status_code == 401

        as_api = failed_sign_in(identity, fill_in, email, PASSWORD)
        as_browser = sign_in(browser, identity, fill_in, email)
        other_account = failed_sign_in(identity, fill_in, f"other-{email}", "wrong password!")
        scrape = requests.get(f"{identity.issuer}/actuator/prometheus").text

    assert as_api.status_code == 429
    assert int(as_api.headers["retry-after"]) > 0
    assert as_api.json()["type"] == "urn:shopstack:problem:sign-in-throttled"
    assert as_browser.status_code == 429
    assert int(as_browser.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in as_browser.text
    assert other_account.status_code == 401
    assert 'identity_sign_ins_total{result="throttled"} 2.0' in scrape
    assert 'identity_sign_ins_total{result="failed"} 4.0' in scrape


def test_an_address_is_throttled_across_accounts(
    start_identity: StartIdentity, browser: requests.Session, fill_in: FillIn, email: str
) -> None:
    with start_identity(
        sign_in_max_failures_per_account=100, sign_in_max_failures_per_address=3
    ) as identity:
        sign_up(browser, identity, fill_in, email)
        for attempt in range(3):
            failed_sign_in(identity, fill_in, f"guess-{attempt}-{email}", "wrong password!")

        answer = failed_sign_in(identity, fill_in, email, PASSWORD)

    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) > 0
