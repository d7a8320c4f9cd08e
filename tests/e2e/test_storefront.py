"""The storefront in a real browser: a buyer's whole journey, what an anonymous visitor
may not do, and what they see when a service is down.

The page cannot sign in yet: a buyer orders as a guest (the page keeps each order's secret),
and an admin's writes are shown with the admin's token set by the browser, as sign-in will.
"""

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser import ARTIFACTS, chromium
from .stack import Processes, Stack, call, expect_status, make_up, service_processes

POLL_MS = 1000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("storefront")
    with make_up(workdir / "data", workdir / "make-up.log") as running:
        yield running


def open_shop(browser: Browser, base_url: str, width: int = 1280, token: str | None = None) -> Page:
    """The shop in a fresh browser profile; with `token`, every request carries it."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    context = browser.new_context(
        viewport={"width": width, "height": 900}, extra_http_headers=headers
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/?poll={POLL_MS}")
    return page


def create_product_through_the_api(stack: Stack, sku: str, stock: int) -> None:
    """As an admin, through the gateway: the product and its stock."""
    token = stack.admin_token()
    gateway = stack.urls["gateway"]
    product = {"name": "Desk lamp", "description": "Warm light", "price": 24.50, "skuCode": sku}
    expect_status(call(f"{gateway}/api/product/create", "POST", product, token=token), 201)
    stock_body = {"quantity": stock}
    expect_status(call(f"{gateway}/api/inventory/{sku}", "PUT", stock_body, token=token), 200)


def product_card(page: Page, sku: str):  # type: ignore[no-untyped-def]
    return page.locator(f'li.product[data-sku="{sku}"]')


def fill_in_a_product(page: Page, sku: str, stock: int) -> None:
    page.get_by_role("tab", name="Admin").click()
    form = page.locator("#create-product")
    form.get_by_label("Name", exact=True).fill("Desk lamp")
    form.get_by_label("Description").fill("Warm light, brass finish")
    form.get_by_label("Price").fill("24.50")
    form.get_by_label("SKU", exact=True).fill(sku)
    form.get_by_label("Stock").fill(str(stock))
    form.get_by_role("button", name="Create product").click()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_a_buyer_orders_what_is_in_stock_and_cancels_it(stack: Stack, browser: Browser) -> None:
    sku = f"lamp_{secrets.token_hex(3)}"
    create_product_through_the_api(stack, sku, stock=2)
    page = open_shop(browser, stack.urls["gateway"])

    page.get_by_label("Search by name or SKU").fill(sku)
    card = product_card(page, sku)
    expect(card.locator(".stock")).to_have_text("Only 2 left")
    card.get_by_label("Quantity of Desk lamp").fill("3")
    card.get_by_role("button", name="Add to cart").click()
    page.get_by_role("button", name="Place order").click()

    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Not enough stock")
    expect(checkout).to_contain_text(f"{sku}: 3 requested, 2 available")

    quantity = page.get_by_label("Quantity of Desk lamp in the cart")
    quantity.fill("2")
    quantity.press("Tab")
    page.get_by_role("button", name="Place order").click()

    expect(checkout).to_contain_text("Order confirmed")
    expect(checkout).to_contain_text("49.00")
    order_number = checkout.locator(".order-number").inner_text()
    assert re.fullmatch(r"[0-9a-f-]{36}", order_number)
    expect(card.locator(".stock")).to_have_text("Out of stock")

    page.get_by_role("tab", name="Orders").click()
    row = page.locator(f'tr[data-order="{order_number}"]')
    expect(row.locator(".badge")).to_have_text("CONFIRMED")
    row.get_by_role("button", name="Cancel").click()
    expect(row.locator(".badge")).to_have_text("CANCELLED")

    page.get_by_role("tab", name="Shop").click()
    expect(card.locator(".stock")).to_have_text("Only 2 left")
    expect(card).to_have_attribute("data-quantity", "2")


def test_the_orders_tab_lists_only_the_orders_placed_in_this_browser(
    stack: Stack, browser: Browser
) -> None:
    elsewhere = stack.place_guest_order([{"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}])
    page = open_shop(browser, stack.urls["gateway"])
    product_card(page, "usb_c_cable").get_by_role("button", name="Add to cart").click()
    page.get_by_role("button", name="Place order").click()
    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Order confirmed")
    mine = checkout.locator(".order-number").inner_text()

    page.get_by_role("tab", name="Orders").click()

    expect(page.locator(f'tr[data-order="{mine}"] .badge')).to_have_text("CONFIRMED")
    expect(page.locator("#orders tr")).to_have_count(1)
    expect(page.locator(f'tr[data-order="{elsewhere["orderNumber"]}"]')).to_have_count(0)
    expect(page.locator("#orders-message")).to_be_empty()


def test_an_anonymous_visitor_adding_a_product_sees_the_apis_401_message(
    stack: Stack, browser: Browser
) -> None:
    gateway = stack.urls["gateway"]
    sku = f"lamp_{secrets.token_hex(3)}"
    refused = call(
        f"{gateway}/api/product/create", "POST", {"name": "x", "price": 1, "skuCode": sku}
    )
    page = open_shop(browser, gateway)

    fill_in_a_product(page, sku, stock=2)

    assert refused.status == 401
    message = page.locator("#create-message")
    expect(message).to_have_text(refused.body["detail"])
    expect(message).to_have_class(re.compile(r"\berror\b"))
    assert stack.get_json("product", f"/api/product?skuCode={sku}") == []


def test_an_admins_browser_creates_a_product_with_its_stock(stack: Stack, browser: Browser) -> None:
    page = open_shop(browser, stack.urls["gateway"], token=stack.admin_token())
    sku = f"lamp_{secrets.token_hex(3)}"

    fill_in_a_product(page, sku, stock=3)

    expect(page.locator("#create-message")).to_contain_text("created with 3 in stock")
    page.get_by_role("tab", name="Shop").click()
    page.get_by_label("Search by name or SKU").fill(sku)
    expect(product_card(page, sku).locator(".stock")).to_have_text("Only 3 left")


def test_invalid_product_input_shows_the_apis_messages_beside_the_fields(
    stack: Stack, browser: Browser
) -> None:
    page = open_shop(browser, stack.urls["gateway"], token=stack.admin_token())
    page.get_by_role("tab", name="Admin").click()
    form = page.locator("#create-product")
    form.get_by_label("Name", exact=True).fill("Lamp")
    form.get_by_label("Price").fill("19.999")
    form.get_by_label("SKU", exact=True).fill("has space")
    form.get_by_role("button", name="Create product").click()

    expect(page.locator("#error-price")).to_contain_text("2 decimal places")
    expect(page.locator("#error-skuCode")).to_contain_text("pattern")
    expect(form.get_by_label("Price")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-name")).to_be_empty()


def test_the_inventory_check_answers_each_sku(stack: Stack, browser: Browser) -> None:
    page = open_shop(browser, stack.urls["gateway"])
    page.get_by_role("tab", name="Admin").click()
    page.get_by_label("SKUs, separated by commas").fill("iphone_13, iphone_13_red")
    page.get_by_role("button", name="Check stock").click()

    rows = page.locator("#stock-result tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("iphone_13Yes100")
    expect(rows.nth(1)).to_contain_text("iphone_13_redNo0")


@pytest.mark.parametrize(("width", "name"), [(1280, "storefront-1280"), (390, "storefront-390")])
def test_the_shop_fits_desktop_and_phone_widths(
    stack: Stack, browser: Browser, width: int, name: str
) -> None:
    page = open_shop(browser, stack.urls["gateway"], width=width)
    expect(product_card(page, "iphone_13")).to_be_visible()
    expect(page.locator('[data-service="order"]')).to_have_attribute("data-state", "UP")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    path = screenshot(page, name)

    assert overflow <= 0, "nothing may scroll sideways"
    assert path.stat().st_size > 10_000


def test_the_shop_is_usable_from_the_keyboard(stack: Stack, browser: Browser) -> None:
    page = open_shop(browser, stack.urls["gateway"])
    page.get_by_role("tab", name="Shop").focus()

    page.keyboard.press("ArrowRight")

    expect(page.get_by_role("tab", name="Orders")).to_be_focused()
    expect(page.locator("#panel-orders")).to_be_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused tab shows a visible focus ring"


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
    card = product_card(page, "pixel_8")
    card.get_by_role("button", name="Add to cart").click()

    separate_services.stop("inventory")

    expect(inventory).to_have_attribute("data-state", "DOWN", timeout=POLL_MS + 1500)
    page.get_by_role("button", name="Place order").click()
    message = page.locator("#checkout-message")
    expect(message).to_contain_text("try again", ignore_case=True)
    expect(message).to_be_visible()
    assert "Traceback" not in message.inner_text()
    expect(page.locator('[data-service="product"]')).to_have_attribute("data-state", "UP")
