"""The storefront in a real browser, for a guest: the buying journey, the cart kept across
a reload and re-priced before checkout, the guest order's link, the layout at desktop and
phone widths, and what a buyer sees when a service is down.

Signing in, the customers' and the admin's areas are in test_storefront_accounts.py; the
session's cookie, tokens, CSRF and sign-out in test_storefront_session.py.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from .stack import Processes, Stack, call, expect_status, service_processes
from .storefront import (
    POLL_MS,
    add_to_cart,
    create_product_through_the_api,
    new_context,
    new_sku,
    open_shop,
    overflow,
    place_order,
    product_card,
    screenshot,
    show_orders,
    tab_to,
)


def test_a_buyer_orders_what_is_in_stock_and_cancels_it(
    storefront: Stack, browser: Browser
) -> None:
    sku = new_sku()
    create_product_through_the_api(storefront, sku, stock=2)
    page = open_shop(browser, storefront.urls["gateway"])

    add_to_cart(page, sku, quantity=3)
    card = product_card(page, sku)
    expect(card.locator(".stock")).to_have_text("Only 2 left")
    page.get_by_role("button", name="Place order").click()

    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Not enough stock")
    expect(checkout).to_contain_text(f"{sku}: 3 requested, 2 available")

    quantity = page.get_by_label("Quantity of Desk lamp in the cart")
    quantity.fill("2")
    quantity.press("Tab")
    order_number = place_order(page)

    expect(checkout).to_contain_text("49.00")
    expect(card.locator(".stock")).to_have_text("Out of stock")

    show_orders(page)
    row = page.locator(f'#guest-orders-rows tr[data-order="{order_number}"]')
    expect(row.locator(".badge")).to_have_text("CONFIRMED")
    row.get_by_role("button", name="Cancel").click()
    expect(row.locator(".badge")).to_have_text("CANCELLED")

    page.locator("#tab-shop").click()
    expect(card.locator(".stock")).to_have_text("Only 2 left")
    expect(card).to_have_attribute("data-quantity", "2")


def test_the_orders_tab_lists_only_the_orders_placed_in_this_browser(
    storefront: Stack, browser: Browser
) -> None:
    elsewhere = storefront.place_guest_order(
        [{"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}]
    )
    page = open_shop(browser, storefront.urls["gateway"])
    add_to_cart(page, "usb_c_cable")
    mine = place_order(page)

    show_orders(page)

    rows = page.locator("#guest-orders-rows tr")
    expect(page.locator(f'tr[data-order="{mine}"] .badge')).to_have_text("CONFIRMED")
    expect(rows).to_have_count(1)
    expect(page.locator(f'tr[data-order="{elsewhere["orderNumber"]}"]')).to_have_count(0)
    expect(page.locator("#guest-orders-message")).to_be_empty()
    expect(page.locator("#my-orders")).to_be_hidden()


def test_the_cart_survives_a_reload(storefront: Stack, browser: Browser) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    add_to_cart(page, "pixel_8", quantity=2)

    page.reload()

    line = page.locator('.cart-line[data-sku="pixel_8"]')
    expect(line.get_by_label("Quantity of Pixel 8 in the cart")).to_have_value("2")
    expect(page.locator("#cart-total")).to_have_text("1,398.00")
    stored = json.loads(page.evaluate("localStorage.getItem('shopstack.cart')"))
    assert stored == [{"sku": "pixel_8", "name": "Pixel 8", "price": 699.0, "quantity": 2}]


def test_a_stock_refresh_keeps_the_quantity_the_buyer_typed(
    storefront: Stack, browser: Browser
) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    card = product_card(page, "pixel_8")
    card.get_by_label("Quantity of Pixel 8").fill("3")
    storefront.set_stock("pixel_8", 24)

    # The page reads the stock again whenever the shop is shown again.
    page.evaluate("document.getElementById('tab-orders').click()")
    page.evaluate("document.getElementById('tab-shop').click()")

    expect(card.locator(".stock")).to_have_text("24 in stock")
    expect(card.get_by_label("Quantity of Pixel 8")).to_have_value("3")
    storefront.set_stock("pixel_8", 25)


def test_a_changed_price_is_shown_and_confirmed_before_the_order_is_placed(
    storefront: Stack, browser: Browser
) -> None:
    sku = new_sku()
    create_product_through_the_api(storefront, sku, stock=5, price=24.50)
    page = open_shop(browser, storefront.urls["gateway"])
    add_to_cart(page, sku)
    # The price the buyer saw, changed since: as if the catalog changed it meanwhile.
    page.evaluate(
        """sku => localStorage.setItem('shopstack.cart', JSON.stringify(
            [{sku, name: 'Desk lamp', price: 19.5, quantity: 1}]))""",
        sku,
    )
    page.reload()
    expect(page.locator("#cart-total")).to_have_text("19.50")

    page.get_by_role("button", name="Place order").click()

    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Prices changed")
    expect(checkout).to_contain_text("Desk lamp: now 24.50, was 19.50")
    expect(page.locator(f'.cart-line[data-sku="{sku}"] .cart-price')).to_contain_text("now 24.50")
    expect(page.locator("#cart-total")).to_have_text("24.50")
    assert stock_of(storefront, sku) == 5, "no order is placed on that click"

    order_number = place_order(page)

    expect(checkout).to_contain_text("24.50")
    read = call(
        f"{storefront.urls['gateway']}/api/order/{order_number}", token=storefront.admin_token()
    )
    order = expect_status(read, 200)
    assert order["items"] == [{"skuCode": sku, "price": 24.5, "quantity": 1}]


def stock_of(stack: Stack, sku: str) -> int:
    levels = stack.get_json("inventory", f"/api/inventory?skuCode={sku}")
    return int(levels[0]["quantity"])


def test_a_guest_finds_the_order_again_with_its_link_in_another_browser(
    storefront: Stack, browser: Browser
) -> None:
    gateway = storefront.urls["gateway"]
    page = open_shop(browser, gateway)
    add_to_cart(page, "usb_c_cable")
    order_number = place_order(page)
    link = page.locator("#checkout-message a.order-link").get_attribute("href")
    assert link is not None
    assert link.startswith(f"{gateway}/#order={order_number}&secret=")

    page.reload()
    show_orders(page)
    expect(page.locator(f'tr[data-order="{order_number}"] .badge')).to_have_text("CONFIRMED")

    elsewhere = new_context(browser).new_page()
    requests: list[str] = []
    elsewhere.on("request", lambda request: requests.append(request.url))
    elsewhere.goto(link)

    row = elsewhere.locator(f'#guest-orders-rows tr[data-order="{order_number}"]')
    expect(row.locator(".badge")).to_have_text("CONFIRMED")
    expect(elsewhere.locator("#guest-orders-message")).to_contain_text("opened from its link")
    secret = link.split("secret=", 1)[1]
    assert secret not in elsewhere.url, "the secret is taken off the address bar"
    assert not [url for url in requests if secret in url], "the secret is never in a URL sent"
    elsewhere.reload()
    show_orders(elsewhere)
    expect(row.locator(".badge")).to_have_text("CONFIRMED")


def test_without_its_secret_a_guest_order_is_not_shown(storefront: Stack, browser: Browser) -> None:
    gateway = storefront.urls["gateway"]
    line = {"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}
    number = storefront.place_guest_order([line])["orderNumber"]
    stranger = new_context(browser).new_page()

    stranger.goto(f"{gateway}/#order={number}")
    expect(stranger.locator("#guest-orders-message")).to_contain_text("incomplete")
    stranger.goto(f"{gateway}/#order={number}&secret=not-its-secret")
    expect(stranger.locator("#guest-orders-message")).to_contain_text("does not open any order")

    expect(stranger.locator(f'tr[data-order="{number}"]')).to_have_count(0)
    answer = stranger.request.get(f"{gateway}/api/order/{number}")
    assert answer.status in (401, 403, 404)
    assert stranger.evaluate("localStorage.getItem('shopstack.guestOrders')") in (None, "[]")


def test_a_guest_sees_no_admin_area(storefront: Stack, browser: Browser) -> None:
    page = open_shop(browser, storefront.urls["gateway"], fragment="#admin")

    expect(page.get_by_role("tab")).to_have_text(["Shop", "Orders"])
    expect(page.locator("#panel-admin, #tab-admin, #create-product")).to_have_count(0)
    expect(page.locator("#account").get_by_role("link", name="Sign in")).to_have_attribute(
        "href", "/auth/login?returnTo=%2F"
    )
    expect(page.locator("#account").get_by_role("link", name="Sign up")).to_have_attribute(
        "href", "/auth/sign-up?returnTo=%2F"
    )


@pytest.mark.parametrize(("width", "name"), [(1280, "storefront-1280"), (390, "storefront-390")])
def test_the_shop_fits_desktop_and_phone_widths(
    storefront: Stack, browser: Browser, width: int, name: str
) -> None:
    page = open_shop(browser, storefront.urls["gateway"], width=width)
    expect(product_card(page, "iphone_13")).to_be_visible()
    expect(page.locator('[data-service="order"]')).to_have_attribute("data-state", "UP")
    add_to_cart(page, "iphone_13")

    path = screenshot(page, name)

    assert overflow(page) <= 0, "nothing may scroll sideways"
    assert path.stat().st_size > 10_000
    show_orders(page)
    assert overflow(page) <= 0


def test_the_tabs_follow_the_arrow_keys_with_a_visible_focus(
    storefront: Stack, browser: Browser
) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    page.locator("#tab-shop").focus()

    page.keyboard.press("ArrowRight")

    expect(page.locator("#tab-orders")).to_be_focused()
    expect(page.locator("#panel-orders")).to_be_visible()
    assert page.url.endswith("#orders"), "the view is kept in the address, for a reload"
    sign_in_link = page.locator("#account").get_by_role("link", name="Sign in")
    expect(sign_in_link).to_have_attribute("href", "/auth/login?returnTo=%2F%23orders")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused tab shows a visible focus ring"


def test_a_guest_checks_out_with_the_keyboard_alone(storefront: Stack, browser: Browser) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    expect(product_card(page, "usb_c_cable")).to_be_visible()

    tab_to(page, 'li.product[data-sku="usb_c_cable"] button')
    page.keyboard.press("Enter")
    expect(page.locator('.cart-line[data-sku="usb_c_cable"]')).to_be_visible()
    tab_to(page, "#checkout")
    page.keyboard.press("Space")

    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Order confirmed")
    tab_to(page, "#checkout-message a.order-link")
    screenshot(page, "keyboard-guest-checkout")


def test_refusals_are_explained_with_a_next_step(storefront: Stack, browser: Browser) -> None:
    page = open_shop(browser, storefront.urls["gateway"])

    # The page's own modules, as its scripts use them, on the answers the gateway sends.
    said = page.evaluate(
        """async () => {
            const { ApiError, retryAfterSeconds } = await import('/static/js/api.js');
            const { explain } = await import('/static/js/messages.js');
            const problem = (name) => ({ type: `urn:shopstack:problem:${name}`, detail: 'd' });
            const told = (error) => {
                const node = document.createElement('p');
                node.append(...explain(error));
                return [node.textContent, [...node.querySelectorAll('a')].map((a) => a.href)];
            };
            return {
                ended: told(new ApiError(401, problem('session-expired'))),
                forbidden: told(new ApiError(403, problem('forbidden'))),
                throttled: told(new ApiError(429, problem('too-many-requests'), 7)),
                seconds: retryAfterSeconds('12'),
                date: retryAfterSeconds(new Date(Date.now() + 30_000).toUTCString()),
            };
        }"""
    )

    gateway = storefront.urls["gateway"]
    assert said["ended"] == [
        "Your session has ended. Sign in again.",
        [f"{gateway}/auth/login?returnTo=%2F"],
    ]
    assert said["forbidden"] == ["You are not allowed to do that.", []]
    assert said["throttled"] == ["Too many requests: try again in 7 s.", []]
    assert said["seconds"] == 12
    assert 28 <= said["date"] <= 30


@pytest.fixture
def separate_services(tmp_path: Path) -> Iterator[Processes]:
    with service_processes(tmp_path / "data", tmp_path / "services.log") as running:
        yield running


def test_a_stopped_inventory_shows_down_and_checkout_asks_to_try_again(
    separate_services: Processes, browser: Browser
) -> None:
    page = open_shop(browser, separate_services.urls["gateway"])
    inventory = page.locator('[data-service="inventory"]')
    expect(inventory).to_have_attribute("data-state", "UP")
    product_card(page, "pixel_8").get_by_role("button", name="Add to cart").click()

    separate_services.stop("inventory")

    expect(inventory).to_have_attribute("data-state", "DOWN", timeout=POLL_MS + 1500)
    page.get_by_role("button", name="Place order").click()
    message = page.locator("#checkout-message")
    expect(message).to_contain_text("try again", ignore_case=True)
    expect(message).to_be_visible()
    assert "Traceback" not in message.inner_text()
    expect(page.locator('[data-service="product"]')).to_have_attribute("data-state", "UP")
    expect(page.locator('.cart-line[data-sku="pixel_8"]')).to_be_visible()
