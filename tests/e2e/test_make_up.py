"""`make up` on a fresh checkout: the platform runs, with demo data, and stops on Ctrl-C."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from .stack import Stack, make_up


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("make-up")
    with make_up(workdir / "data", workdir / "make-up.log") as running:
        yield running


def test_the_catalog_lists_the_demo_products(stack: Stack) -> None:
    products = stack.get_json("product", "/api/product/allProducts")

    skus = {product["skuCode"] for product in products}
    assert {"iphone_13", "iphone_13_red"} <= skus
    assert all(product["price"] > 0 for product in products)


def test_the_inventory_shows_one_iphone_in_stock_and_one_sold_out(stack: Stack) -> None:
    levels = stack.get_json("inventory", "/api/inventory?skuCode=iphone_13&skuCode=iphone_13_red")

    assert levels == [
        {"skuCode": "iphone_13", "isInStock": True, "quantity": 100},
        {"skuCode": "iphone_13_red", "isInStock": False, "quantity": 0},
    ]


def test_every_demo_product_has_stock_recorded(stack: Stack) -> None:
    skus = [p["skuCode"] for p in stack.get_json("product", "/api/product/allProducts")]

    levels = stack.get_json("inventory", "/api/inventory?skuCode=" + ",".join(skus))

    assert [level["skuCode"] for level in levels] == skus
    assert sum(level["isInStock"] for level in levels) == len(skus) - 1


def test_each_service_logs_json_lines_behind_its_name(stack: Stack) -> None:
    stack.get_json("product", "/api/product/allProducts")

    lines = [line for line in stack.log.read_text().splitlines() if " | {" in line]
    by_service = {line.split("|", 1)[0].split()[-1]: line for line in lines}
    assert {"product.1", "inventory.1"} <= by_service.keys()
    entry = json.loads(by_service["product.1"].split(" | ", 1)[1])
    assert {"timestamp", "level", "service", "logger", "message"} <= entry.keys()


def _listening(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


def test_ctrl_c_stops_every_service_and_a_restart_keeps_the_data(tmp_path: Path) -> None:
    log = tmp_path / "make-up.log"
    with make_up(tmp_path / "data", log) as first:
        first.put_json("inventory", "/api/inventory/iphone_13", {"quantity": 7})
        first.interrupt()
        assert not any(_listening(url) for url in first.urls.values())

    with make_up(tmp_path / "data", log) as second:
        levels = second.get_json("inventory", "/api/inventory?skuCode=iphone_13")
        products = second.get_json("product", "/api/product/allProducts")

    assert levels[0]["quantity"] == 7, "demo data must not overwrite existing stock"
    assert len({p["skuCode"] for p in products}) == len(products)


def test_an_order_for_a_demo_product_is_confirmed_and_takes_its_stock(stack: Stack) -> None:
    before = stack.get_json("inventory", "/api/inventory?skuCode=pixel_8")[0]["quantity"]
    line = {"skuCode": "pixel_8", "price": 699.00, "quantity": 2}

    order = stack.post_json("order", "/api/order/create", {"orderLineItemsDtoList": [line]})

    assert order["status"] == "CONFIRMED"
    assert order["total"] == 1398.0
    after = stack.get_json("inventory", "/api/inventory?skuCode=pixel_8")[0]["quantity"]
    assert after == before - 2


def test_each_procfile_line_pins_its_own_port_over_the_one_honcho_sets() -> None:
    # honcho exports PORT (5000, 5100, …) to every process, and the services read an
    # unprefixed PORT when their own is unset: each line must set its prefixed port itself.
    procfile = Path(__file__).resolve().parents[2] / "Procfile"
    defaults = {"product": 8080, "inventory": 8081, "order": 8082, "gateway": 8000}

    lines = dict(line.split(": ", 1) for line in procfile.read_text().splitlines() if line)

    assert lines.keys() == defaults.keys()
    for name, command in lines.items():
        prefix = name.upper()
        assert command.startswith(f"{prefix}_PORT=${{{prefix}_PORT:-{defaults[name]}}} "), name
