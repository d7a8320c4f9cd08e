"""The storefront's session, seen from a real browser against `make up`: the cookie's flags,
no token of the session in anything the browser gets, CSRF refusals, and a sign-out that
ends the session and revokes its refresh token at the identity service.

The tokens are read from the gateway's own session store (SQLite, under the stack's data
directory), so the assertions name the exact strings that must never reach the browser.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Error, Page, Response, expect

from shopkit.auth import basic_authorization

from .stack import Stack, call
from .storefront import (
    add_to_cart,
    goto_shop,
    new_context,
    new_email,
    new_password,
    place_order,
    show_orders,
    sign_in,
    sign_out,
    sign_up,
)

SESSION_COOKIE = "shopstack-session"
JWT = re.compile(rb"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.")


@dataclass
class Received:
    """Every answer a browser context received: URL, headers and body."""

    answers: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def record(self, response: Response) -> None:
        try:
            body = response.body()
        except Error:
            body = b""  # a redirect, or a load the next navigation cut short: no body
        self.answers.append((response.url, response.all_headers(), body))

    def containing(self, secret: str) -> list[str]:
        found = []
        for url, headers, body in self.answers:
            if secret.encode() in body or any(secret in value for value in headers.values()):
                found.append(url)
        return found

    def bodies_with_a_jwt(self) -> list[str]:
        return [url for url, _, body in self.answers if JWT.search(body)]


def recorded_context(browser: Browser) -> tuple[BrowserContext, Received]:
    context = new_context(browser)
    received = Received()
    context.on("response", received.record)
    return context, received


def session_cookie(context: BrowserContext) -> Any:
    cookies = [c for c in context.cookies() if c["name"].endswith(SESSION_COOKIE)]
    assert len(cookies) == 1, context.cookies()
    return cookies[0]


def signed_up_customer(browser: Browser, stack: Stack) -> tuple[Page, str]:
    page = new_context(browser).new_page()
    goto_shop(page, stack.urls["gateway"])
    email = new_email()
    sign_up(page, email, new_password())
    return page, email


def fetch_from_the_page(page: Page, method: str, path: str, headers: dict[str, str]) -> Any:
    """fetch() by script in the page: same origin, with the page's cookie."""
    return page.evaluate(
        """async ([method, path, headers]) => {
            const response = await fetch(path, {method, headers, body: "{}"});
            const text = await response.text();
            return {status: response.status, body: text ? JSON.parse(text) : null};
        }""",
        [method, path, {"Content-Type": "application/json", **headers}],
    )


def csrf_token(page: Page) -> str:
    me = page.evaluate("fetch('/auth/me').then(r => r.json())")
    return str(me["csrfToken"])


def test_the_session_cookie_is_httponly_samesite_lax_and_named_for_http(
    storefront: Stack, browser: Browser
) -> None:
    page, _ = signed_up_customer(browser, storefront)

    cookie = session_cookie(page.context)

    assert cookie["name"] == SESSION_COOKIE
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["secure"] is False, "plain http: a Secure cookie would never be sent back"
    assert cookie["domain"] == "127.0.0.1"


def test_every_sign_in_starts_a_new_session(storefront: Stack, browser: Browser) -> None:
    page = new_context(browser).new_page()
    goto_shop(page, storefront.urls["gateway"])
    email, password = new_email(), new_password()
    sign_up(page, email, password)
    first = session_cookie(page.context)["value"]
    sign_out(page)

    sign_in(page, email, password)

    assert session_cookie(page.context)["value"] != first


def test_no_token_of_the_session_ever_reaches_the_browser(
    storefront: Stack, browser: Browser
) -> None:
    context, received = recorded_context(browser)
    page = context.new_page()
    goto_shop(page, storefront.urls["gateway"])
    email = new_email()
    sign_up(page, email, new_password())
    add_to_cart(page, "usb_c_cable")
    place_order(page)
    show_orders(page)
    expect(page.locator("#my-orders-rows tr[data-order]")).to_have_count(1)
    stored = storefront.stored_session_of(email)
    tokens = {"access": stored["access_token"], "refresh": stored["refresh_token"]}
    assert all(tokens.values()), "the gateway keeps both tokens"

    seen_by_the_page = {
        "the page": page.evaluate("document.documentElement.outerHTML"),
        "localStorage": page.evaluate("JSON.stringify({...localStorage})"),
        "sessionStorage": page.evaluate("JSON.stringify({...sessionStorage})"),
        "document.cookie": page.evaluate("document.cookie"),
    }
    sign_out(page)

    for kind, token in tokens.items():
        assert received.containing(token) == [], f"the {kind} token was sent to the browser"
        for where, text in seen_by_the_page.items():
            assert token not in text, f"the {kind} token is in {where}"
    assert SESSION_COOKIE not in seen_by_the_page["document.cookie"], "HttpOnly"
    # The logout answer names the ID token (id_token_hint for the issuer): no access token.
    with_a_jwt = [url for url in received.bodies_with_a_jwt() if not url.endswith("/auth/logout")]
    assert with_a_jwt == []
    # What the browser may see of the session, it did see: the recorder read the bodies.
    assert any(url.endswith("/auth/me") for url in received.containing(stored["csrf_token"]))


def test_a_state_changing_request_without_the_csrf_token_is_refused(
    storefront: Stack, browser: Browser
) -> None:
    page, _ = signed_up_customer(browser, storefront)
    order = {"orderLineItemsDtoList": [{"skuCode": "usb_c_cable", "quantity": 1}]}

    without = page.evaluate(
        """async (order) => {
            const response = await fetch('/api/order/create', {
                method: 'POST', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify(order),
            });
            return {status: response.status, type: (await response.json()).type};
        }""",
        order,
    )
    logout = fetch_from_the_page(page, "POST", "/auth/logout", {})

    assert without["status"] == 403
    assert without["type"].endswith("csrf-rejected")
    assert logout["status"] == 403
    assert logout["body"]["type"].endswith("csrf-rejected")
    show_orders(page)
    expect(page.locator("#my-orders-rows")).to_contain_text("You have not placed any order yet")
    assert page.evaluate("fetch('/auth/me').then(r => r.json())")["signedIn"] is True


def test_a_state_changing_request_from_another_origin_is_refused(
    storefront: Stack, browser: Browser
) -> None:
    page, _ = signed_up_customer(browser, storefront)
    gateway = storefront.urls["gateway"]
    token = csrf_token(page)

    answers = [
        page.request.post(
            f"{gateway}/api/order/create",
            headers={"Origin": "http://evil.example", "X-CSRF-Token": token},
            data={"orderLineItemsDtoList": [{"skuCode": "usb_c_cable", "quantity": 1}]},
        ),
        page.request.post(
            f"{gateway}/auth/logout",
            headers={"Origin": "http://evil.example", "X-CSRF-Token": token},
        ),
    ]

    for answer in answers:
        assert answer.status == 403, answer.text()
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"].endswith("csrf-rejected")
    assert page.evaluate("fetch('/auth/me').then(r => r.json())")["signedIn"] is True


def refresh_grant(stack: Stack, refresh_token: str) -> tuple[int, Any]:
    """The storefront's refresh grant at the identity service's /token, as the gateway sends
    it: authenticated with the storefront client's generated secret."""
    form = urllib.parse.urlencode(
        {"grant_type": "refresh_token", "refresh_token": refresh_token}
    ).encode()
    request = urllib.request.Request(
        stack.urls["identity"] + "/token",
        data=form,
        method="POST",
        headers={
            "Authorization": basic_authorization("storefront", stack.client_secret("storefront"))
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_sign_out_ends_the_session_and_revokes_its_refresh_token(
    storefront: Stack, browser: Browser
) -> None:
    gateway = storefront.urls["gateway"]
    page, email = signed_up_customer(browser, storefront)
    old_cookie = session_cookie(page.context)
    refresh_token = storefront.stored_session_of(email)["refresh_token"]

    sign_out(page)

    cookie_header = {"cookie": f"{old_cookie['name']}={old_cookie['value']}"}
    me = call(f"{gateway}/auth/me", headers=cookie_header)
    assert me.status == 200
    assert me.body["signedIn"] is False
    assert "no-store" in me.headers["cache-control"]
    orders = call(f"{gateway}/api/order", headers=cookie_header)
    assert orders.status == 401
    assert orders.body["type"].endswith("session-expired")
    assert SESSION_COOKIE in orders.headers.get("set-cookie", ""), "the stale cookie is cleared"

    elsewhere = new_context(browser)
    elsewhere.add_cookies([old_cookie])
    replayed = elsewhere.new_page()
    goto_shop(replayed, gateway)
    expect(replayed.locator("#account").get_by_role("link", name="Sign in")).to_be_visible()

    status, body = refresh_grant(storefront, refresh_token)
    assert status == 400
    assert body["error"] == "invalid_grant"
    assert all(s["user"]["email"] != email for s in storefront.stored_sessions())


def test_an_ended_session_shows_sign_in_again_and_keeps_the_cart(
    storefront: Stack, browser: Browser
) -> None:
    page, _ = signed_up_customer(browser, storefront)
    add_to_cart(page, "usb_c_cable")
    # Signed out elsewhere with the same cookie: this page keeps the cookie of a session
    # that has ended, as after an idle or absolute expiry.
    elsewhere = new_context(browser)
    elsewhere.add_cookies([session_cookie(page.context)])
    other_tab = elsewhere.new_page()
    goto_shop(other_tab, storefront.urls["gateway"])
    csrf = {"X-CSRF-Token": csrf_token(page)}
    ended = fetch_from_the_page(other_tab, "POST", "/auth/logout", csrf)
    assert ended["status"] == 200

    page.get_by_role("button", name="Place order").click()

    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Your session has ended. Sign in again.")
    link = checkout.get_by_role("link", name="Sign in again")
    expect(link).to_have_attribute("href", "/auth/login?returnTo=%2F")
    expect(page.locator('.cart-line[data-sku="usb_c_cable"]')).to_be_visible()
    expect(page.locator("#account").get_by_role("link", name="Sign in")).to_be_visible()
