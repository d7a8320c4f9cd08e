"""Customer accounts in the storefront, in a real browser against `make up`: signing up and in
at the identity service's own forms, a customer's own orders, the local admin's area, and
what a customer may not do; with the keyboard alone and at phone width too."""

from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from .stack import Stack
from .storefront import (
    account,
    add_to_cart,
    new_email,
    new_password,
    new_sku,
    open_shop,
    overflow,
    place_order,
    product_card,
    screenshot,
    show_orders,
    sign_in,
    sign_in_as_admin,
    sign_out,
    sign_up,
    tab_to,
)


def my_order_row(page: Page, order_number: str) -> Locator:
    return page.locator(f'#my-orders-rows tr[data-order="{order_number}"]')


def csrf_token(page: Page) -> str:
    me = page.evaluate("fetch('/auth/me').then(r => r.json())")
    assert me["signedIn"] is True
    return str(me["csrfToken"])


def send_from_the_page(page: Page, method: str, path: str, body: object, token: str) -> Any:
    """A request as the page's own script sends it: same origin, its cookie and the CSRF
    header; its status and problem type."""
    return page.evaluate(
        """async ([method, path, body, token]) => {
            const response = await fetch(path, {
                method, body: JSON.stringify(body),
                headers: {"Content-Type": "application/json", "X-CSRF-Token": token},
            });
            const text = await response.text();
            return {status: response.status, body: text ? JSON.parse(text) : null};
        }""",
        [method, path, body, token],
    )


def test_a_customer_signs_up_orders_and_finds_the_order_again_after_signing_in_again(
    storefront: Stack, browser: Browser
) -> None:
    gateway = storefront.urls["gateway"]
    email, password = new_email(), new_password()
    page = open_shop(browser, gateway)

    sign_up(page, email, password)

    expect(page.locator("#tab-orders")).to_have_text("My orders")
    add_to_cart(page, "usb_c_cable", quantity=2)
    order_number = place_order(page)
    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("It is under My orders")
    expect(checkout.locator("a.order-link")).to_have_count(0)
    show_orders(page)
    expect(my_order_row(page, order_number).locator(".badge")).to_have_text("CONFIRMED")
    expect(page.locator("#guest-orders")).to_be_hidden()

    sign_out(page)

    expect(page.locator("#tab-orders")).to_have_text("Orders")
    expect(page.locator("#my-orders")).to_be_hidden()
    sign_in(page, email, password)
    show_orders(page)
    expect(my_order_row(page, order_number).locator(".badge")).to_have_text("CONFIRMED")

    other = open_shop(browser, gateway)
    sign_up(other, new_email(), new_password())
    show_orders(other)
    expect(other.locator("#my-orders-rows")).to_contain_text("You have not placed any order yet")
    expect(my_order_row(other, order_number)).to_have_count(0)
    assert other.request.get(f"{gateway}/api/order/{order_number}").status in (403, 404)
    fetched = other.evaluate(f"fetch('/api/order/{order_number}').then(r => r.status)")
    assert fetched in (403, 404)


def test_signing_in_comes_back_to_the_view_it_started_from(
    storefront: Stack, browser: Browser
) -> None:
    email, password = new_email(), new_password()
    page = open_shop(browser, storefront.urls["gateway"])
    sign_up(page, email, password)
    sign_out(page)
    show_orders(page)

    sign_in(page, email, password)

    expect(page.locator("#panel-orders")).to_be_visible()
    expect(page.locator("#my-orders")).to_be_visible()
    assert page.url.endswith("/#orders")


def test_a_customer_cancels_an_own_order_from_my_orders(
    storefront: Stack, browser: Browser
) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    sign_up(page, new_email(), new_password())
    add_to_cart(page, "pixel_8")
    order_number = place_order(page)
    show_orders(page)

    my_order_row(page, order_number).get_by_role("button", name="Cancel").click()

    expect(my_order_row(page, order_number).locator(".badge")).to_have_text("CANCELLED")
    expect(page.locator("#my-orders-message")).to_contain_text("cancelled")


def test_the_local_admin_adds_a_product_and_sets_its_stock(
    storefront: Stack, browser: Browser
) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    sign_in_as_admin(page, storefront)
    sku = new_sku()

    page.locator("#tab-admin").click()
    form = page.locator("#create-product")
    form.get_by_label("Name", exact=True).fill("Desk lamp")
    form.get_by_label("Description").fill("Warm light, brass finish")
    form.get_by_label("Price").fill("24.50")
    form.get_by_label("SKU", exact=True).fill(sku)
    form.get_by_label("Stock").fill("3")
    form.get_by_role("button", name="Create product").click()
    expect(page.locator("#create-message")).to_contain_text("created with 3 in stock")

    stock = page.locator("#set-stock")
    stock.get_by_label("SKU").fill(sku)
    stock.get_by_label("Quantity").fill("7")
    stock.get_by_role("button", name="Set stock").click()
    expect(page.locator("#set-stock-message")).to_contain_text(f"{sku} now has 7 in stock")

    page.locator("#tab-shop").click()
    page.get_by_label("Search by name or SKU").fill(sku)
    expect(product_card(page, sku).locator(".stock")).to_have_text("7 in stock")
    show_orders(page)
    expect(page.locator("#my-orders-heading")).to_have_text("All orders")


def test_the_admins_invalid_product_input_shows_the_apis_messages_beside_the_fields(
    storefront: Stack, browser: Browser
) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    sign_in_as_admin(page, storefront)
    page.locator("#tab-admin").click()
    page.reload()
    expect(page.locator("#panel-admin")).to_be_visible()
    form = page.locator("#create-product")
    form.get_by_label("Name", exact=True).fill("Lamp")
    form.get_by_label("Price").fill("19.999")
    form.get_by_label("SKU", exact=True).fill("has space")
    form.get_by_role("button", name="Create product").click()

    expect(page.locator("#error-price")).to_contain_text("2 decimal places")
    expect(page.locator("#error-skuCode")).to_contain_text("pattern")
    expect(form.get_by_label("Price")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-name")).to_be_empty()
    expect(form.get_by_label("Name", exact=True)).to_have_value("Lamp")


def test_the_admins_inventory_check_answers_each_sku(storefront: Stack, browser: Browser) -> None:
    page = open_shop(browser, storefront.urls["gateway"])
    sign_in_as_admin(page, storefront)
    page.locator("#tab-admin").click()
    page.get_by_label("SKUs, separated by commas").fill("iphone_13_red, no_such_sku")
    page.get_by_role("button", name="Check stock").click()

    rows = page.locator("#stock-result tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("iphone_13_redNo0")
    expect(rows.nth(1)).to_contain_text("no_such_skuNo0")


def test_a_customer_never_sees_the_admin_area_and_its_admin_calls_are_refused(
    storefront: Stack, browser: Browser
) -> None:
    page = open_shop(browser, storefront.urls["gateway"], fragment="#admin")
    sign_up(page, new_email(), new_password())
    page.reload()

    expect(page.get_by_role("tab")).to_have_text(["Shop", "My orders"])
    expect(page.locator("#tab-admin, #panel-admin, #create-product, #set-stock")).to_have_count(0)
    token = csrf_token(page)
    product = {"name": "Lamp", "price": 10, "skuCode": new_sku()}
    created = send_from_the_page(page, "POST", "/api/product/create", product, token)
    stocked = send_from_the_page(page, "PUT", "/api/inventory/iphone_13", {"quantity": 0}, token)

    assert created["status"] == 403, created
    assert created["body"]["type"].endswith("forbidden")
    assert stocked["status"] == 403, stocked
    expect(product_card(page, "iphone_13").locator(".stock")).not_to_have_text("Out of stock")


def test_a_customer_signs_in_and_checks_out_with_the_keyboard_alone(
    storefront: Stack, browser: Browser
) -> None:
    email, password = new_email(), new_password()
    page = open_shop(browser, storefront.urls["gateway"])
    sign_up(page, email, password)
    sign_out(page)

    tab_to(page, "#account a#sign-in")
    page.keyboard.press("Enter")
    tab_to(page, "input#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.locator("input#password")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(account(page)).to_contain_text(email)

    tab_to(page, 'li.product[data-sku="usb_c_cable"] button')
    page.keyboard.press("Enter")
    tab_to(page, "#checkout")
    page.keyboard.press("Enter")
    expect(page.locator("#checkout-message")).to_contain_text("Order confirmed")
    screenshot(page, "keyboard-customer-checkout")
    tab_to(page, "#account #sign-out")
    page.keyboard.press("Space")
    expect(account(page).get_by_role("link", name="Sign in")).to_be_visible()


def test_signed_in_pages_fit_a_phone(storefront: Stack, browser: Browser) -> None:
    customer = open_shop(browser, storefront.urls["gateway"], width=390)
    sign_up(customer, new_email(), new_password())
    add_to_cart(customer, "iphone_13")
    screenshot(customer, "customer-390")
    assert overflow(customer) <= 0
    show_orders(customer)
    assert overflow(customer) <= 0

    admin = open_shop(browser, storefront.urls["gateway"], width=390)
    sign_in_as_admin(admin, storefront)
    admin.locator("#tab-admin").click()
    screenshot(admin, "admin-390")
    assert overflow(admin) <= 0
