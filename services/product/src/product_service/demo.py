"""A small demo catalog, so a fresh `make up` has something to show."""

from decimal import Decimal

from product_service.domain import DuplicateSkuError
from product_service.ports import ProductRepository
from product_service.service import create_product

# The reference system's two iPhones first; their SKUs match the inventory's demo stock.
DEMO_PRODUCTS = [
    ("iphone_13", "iPhone 13", "Apple iPhone 13, 128 GB, midnight", Decimal("799.00")),
    ("iphone_13_red", "iPhone 13 (PRODUCT)RED", "Apple iPhone 13, 128 GB, red", Decimal("799.00")),
    ("pixel_8", "Pixel 8", "Google Pixel 8, 128 GB, obsidian", Decimal("699.00")),
    ("galaxy_s24", "Galaxy S24", "Samsung Galaxy S24, 256 GB, onyx black", Decimal("859.99")),
    ("airpods_pro", "AirPods Pro", "Apple AirPods Pro, 2nd generation, USB-C", Decimal("249.00")),
    ("usb_c_cable", "USB-C cable", "Braided USB-C to USB-C cable, 2 m", Decimal("19.99")),
]


async def seed_demo_catalog(products: ProductRepository) -> int:
    """Add the demo products to an empty catalog; returns how many were added."""
    if await products.count() > 0:
        return 0
    added = 0
    for sku_code, name, description, price in DEMO_PRODUCTS:
        try:
            await create_product(
                products, sku_code=sku_code, name=name, description=description, price=price
            )
        except DuplicateSkuError:
            continue  # another replica seeded it first
        added += 1
    return added
