"""The storefront over https, as behind a TLS-terminating Ingress: the session cookie is
`__Host-shopstack-session`, Secure, and the whole signed-in journey still works.

A TLS terminator with a self-signed loopback certificate stands in front of the gateway of
a `make up` run whose GATEWAY_PUBLIC_URL (and the storefront's registered redirects) are
the https address."""

from pathlib import Path

from playwright.sync_api import Browser, expect

from testkit.network import free_port
from testkit.tls import self_signed_loopback_certificate

from .stack import make_up
from .storefront import (
    POLL_MS,
    add_to_cart,
    new_email,
    new_password,
    place_order,
    show_orders,
    sign_out,
    sign_up,
)
from .tls_proxy import tls_terminator


def test_over_https_the_session_cookie_is_host_prefixed_and_secure(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    public_url = f"https://127.0.0.1:{port}"
    with make_up(
        tmp_path / "data",
        tmp_path / "make-up.log",
        GATEWAY_PUBLIC_URL=public_url,
        IDENTITY_STOREFRONT_REDIRECT_URIS=f"{public_url}/auth/callback",
        IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS=f"{public_url}/",
    ) as stack:
        gateway_port = int(stack.urls["gateway"].rsplit(":", 1)[1])
        certificate = self_signed_loopback_certificate(tmp_path)
        with tls_terminator(port, gateway_port, certificate):
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, ignore_https_errors=True
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            shop = page.goto(f"{public_url}/?poll={POLL_MS}")
            assert shop is not None
            assert "max-age=" in shop.headers["strict-transport-security"]

            sign_up(page, new_email(), new_password())

            cookies = {cookie["name"]: cookie for cookie in context.cookies()}
            assert "shopstack-session" not in cookies
            cookie = cookies["__Host-shopstack-session"]
            assert cookie["secure"] is True
            assert cookie["httpOnly"] is True
            assert cookie["sameSite"] == "Lax"
            assert cookie["path"] == "/"
            add_to_cart(page, "usb_c_cable")
            order_number = place_order(page)
            show_orders(page)
            row = page.locator(f'#my-orders-rows tr[data-order="{order_number}"]')
            expect(row.locator(".badge")).to_have_text("CONFIRMED")
            sign_out(page)
            assert not [c for c in context.cookies() if c["name"].endswith("shopstack-session")]
            context.close()
