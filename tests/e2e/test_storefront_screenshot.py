"""The README's storefront screenshot, taken from a real run: a customer signed in at 1280 px
with an item in the cart. Its own fresh `make up`, so the catalog is the demo data alone
and the picture does not change from run to run."""

from pathlib import Path

from playwright.sync_api import Browser, expect

from .stack import REPO, make_up
from .storefront import add_to_cart, new_password, open_shop, overflow, product_card, sign_up

README_IMAGE = REPO / "docs" / "images" / "storefront.png"


def test_the_readme_shows_a_signed_in_customer_with_a_cart(
    browser: Browser, tmp_path: Path
) -> None:
    with make_up(tmp_path / "data", tmp_path / "make-up.log") as stack:
        page = open_shop(browser, stack.urls["gateway"], width=1280)
        sign_up(page, "ada@example.com", new_password())
        add_to_cart(page, "iphone_13")
        page.get_by_label("Search by name or SKU").fill("")
        expect(product_card(page, "usb_c_cable")).to_be_visible()
        for service in ("product", "inventory", "order"):
            expect(page.locator(f'[data-service="{service}"]')).to_have_attribute(
                "data-state", "UP"
            )
        page.locator("#search").blur()
        page.set_viewport_size({"width": 1280, "height": 720})

        page.screenshot(path=str(README_IMAGE), full_page=False)

        assert overflow(page) <= 0
        assert README_IMAGE.stat().st_size > 20_000
