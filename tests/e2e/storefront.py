"""What a person does on the storefront, in Playwright: open the shop, sign up or in at the
identity service's own form, shop, check out, sign out. Shared by the storefront tests."""

import re
import secrets
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .browser import ARTIFACTS
from .stack import Stack, call, expect_status

POLL_MS = 1000
"""The page's service-status polling period in the tests (?poll=)."""
ADMIN_EMAIL = "admin@shopstack.local"
ORDER_NUMBER = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def new_context(browser: Browser, width: int = 1280) -> BrowserContext:
    """A fresh browser profile: no cookie, nothing stored."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    return context


def open_shop(browser: Browser, base_url: str, width: int = 1280, fragment: str = "") -> Page:
    """The shop in a fresh browser profile, once it knows who is signed in."""
    page = new_context(browser, width).new_page()
    goto_shop(page, base_url, fragment)
    return page


def goto_shop(page: Page, base_url: str, fragment: str = "") -> None:
    page.goto(f"{base_url}/?poll={POLL_MS}{fragment}")
    expect(page.locator("#account")).not_to_have_attribute("aria-busy", "true")


def new_email(who: str = "customer") -> str:
    return f"{who}-{secrets.token_hex(4)}@example.com"


def new_password() -> str:
    """Generated, as every credential in the tests: long enough for the identity service."""
    return secrets.token_urlsafe(18)


def account(page: Page) -> Locator:
    return page.locator("#account")


def fill_credentials(page: Page, email: str, password: str, submit: str) -> None:
    """The identity service's form, filled in and sent as a person does."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=submit).click()


def sign_up(page: Page, email: str, password: str) -> None:
    """Through the page's "Sign up" link and the identity service's form, back to the shop."""
    account(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    fill_credentials(page, email, password, "Create account")
    expect(account(page)).to_contain_text(email)


def sign_in(page: Page, email: str, password: str) -> None:
    """Through the page's "Sign in" link and the identity service's form, back to the shop."""
    account(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    fill_credentials(page, email, password, "Sign in")
    expect(account(page)).to_contain_text(email)


def sign_out(page: Page) -> None:
    account(page).get_by_role("button", name="Sign out").click()
    expect(account(page).get_by_role("link", name="Sign in")).to_be_visible()


def sign_in_as_admin(page: Page, stack: Stack) -> None:
    sign_in(page, ADMIN_EMAIL, stack.admin_password_file.read_text().strip())


def product_card(page: Page, sku: str) -> Locator:
    return page.locator(f'li.product[data-sku="{sku}"]')


def add_to_cart(page: Page, sku: str, quantity: int = 1) -> None:
    page.get_by_label("Search by name or SKU").fill(sku)
    card = product_card(page, sku)
    card.get_by_label(re.compile(r"^Quantity of ")).fill(str(quantity))
    card.get_by_role("button", name="Add to cart").click()
    expect(page.locator(f'.cart-line[data-sku="{sku}"]')).to_be_visible()


def place_order(page: Page) -> str:
    """Place the cart's order; its number."""
    page.get_by_role("button", name="Place order").click()
    checkout = page.locator("#checkout-message")
    expect(checkout).to_contain_text("Order confirmed")
    number = checkout.locator(".order-number").inner_text()
    assert ORDER_NUMBER.fullmatch(number)
    return number


def show_orders(page: Page) -> None:
    page.locator("#tab-orders").click()
    expect(page.locator("#panel-orders")).to_be_visible()


def create_product_through_the_api(
    stack: Stack, sku: str, stock: int, price: float = 24.50, name: str = "Desk lamp"
) -> None:
    """As an admin (the smoke client's token), through the gateway: the product and its stock."""
    token = stack.admin_token()
    gateway = stack.urls["gateway"]
    product = {"name": name, "description": "Warm light", "price": price, "skuCode": sku}
    expect_status(call(f"{gateway}/api/product/create", "POST", product, token=token), 201)
    stock_body = {"quantity": stock}
    expect_status(call(f"{gateway}/api/inventory/{sku}", "PUT", stock_body, token=token), 200)


def new_sku(prefix: str = "lamp") -> str:
    return f"{prefix}_{secrets.token_hex(3)}"


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def overflow(page: Page) -> int:
    """How far the page scrolls sideways (nothing may)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element `selector` names has the focus, as a keyboard user does."""
    target = page.locator(selector)
    expect(target).to_be_visible()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reached with Tab in {limit} presses")
