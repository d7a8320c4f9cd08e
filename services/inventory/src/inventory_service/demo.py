"""Demo stock matching the product service's demo catalog."""

from inventory_service.ports import StockRepository

# The reference system's seed: one iPhone in stock, the red one sold out.
DEMO_STOCK = {
    "iphone_13": 100,
    "iphone_13_red": 0,
    "pixel_8": 25,
    "galaxy_s24": 10,
    "airpods_pro": 3,
    "usb_c_cable": 500,
}


async def seed_demo_stock(stock: StockRepository) -> int:
    """Stock the demo SKUs when the inventory is empty; returns how many were set."""
    if await stock.count() > 0:
        return 0
    for sku_code, quantity in DEMO_STOCK.items():
        await stock.set_quantity(sku_code, quantity)
    return len(DEMO_STOCK)
