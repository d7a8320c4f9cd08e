"""`make up` on a fresh checkout: the platform runs secured, with demo data and generated
credentials, keeps running when one service dies, and stops on Ctrl-C."""

import json
import os
import re
import signal
import socket
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from .stack import REPO, Stack, make_up

CLIENTS = ("order-service", "smoke", "storefront")


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


def test_ctrl_c_stops_every_service_and_a_restart_keeps_the_data_and_the_secrets(
    tmp_path: Path,
) -> None:
    log = tmp_path / "make-up.log"
    with make_up(tmp_path / "data", log) as first:
        first.set_stock("iphone_13", 7)
        secrets_before = {name: first.client_secret(name) for name in CLIENTS}
        password_before = (tmp_path / "data" / "admin-password").read_text()
        first.interrupt()
        assert not any(_listening(url) for url in first.urls.values())

    with make_up(tmp_path / "data", log) as second:
        levels = second.get_json("inventory", "/api/inventory?skuCode=iphone_13")
        products = second.get_json("product", "/api/product/allProducts")
        token = second.admin_token()

    assert levels[0]["quantity"] == 7, "demo data must not overwrite existing stock"
    assert len({p["skuCode"] for p in products}) == len(products)
    assert {name: second.client_secret(name) for name in CLIENTS} == secrets_before
    assert (tmp_path / "data" / "admin-password").read_text() == password_before
    assert token


def _kill_service(stack: Stack, service: str) -> None:
    """kill -9 the process serving `service`'s port, as a crash would."""
    port = int(stack.urls[service].rsplit(":", 1)[1])
    (pid,) = {
        c.pid
        for c in psutil.net_connections("tcp")
        if c.laddr.port == port and c.status == "LISTEN"
    }
    os.kill(pid, signal.SIGKILL)


def _eventually(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_one_service_dying_leaves_the_others_serving_and_it_restarts_by_hand(
    tmp_path: Path,
) -> None:
    with make_up(tmp_path / "data", tmp_path / "make-up.log") as stack:
        _kill_service(stack, "product")
        said = re.compile(
            r"product exited with status 137; the other services keep running\. "
            r"Restart it with: kill -HUP (\d+)"
        )
        assert _eventually(lambda: said.search(stack.log.read_text()) is not None)

        assert not _listening(stack.urls["product"])
        assert stack.get_json("inventory", "/api/inventory?skuCode=iphone_13")[0]["quantity"]
        assert all(_listening(stack.urls[name]) for name in ("identity", "order", "gateway"))
        assert stack.process.poll() is None, "make up is still running"

        match = said.search(stack.log.read_text())
        assert match is not None
        os.kill(int(match.group(1)), signal.SIGHUP)
        assert _eventually(lambda: _listening(stack.urls["product"]))
        assert stack.get_json("product", "/api/product/allProducts")


def test_with_up_restart_on_failure_a_dead_service_comes_back_by_itself(tmp_path: Path) -> None:
    with make_up(tmp_path / "data", tmp_path / "make-up.log", UP_RESTART="on-failure") as stack:
        _kill_service(stack, "inventory")

        assert _eventually(
            lambda: "inventory exited with status 137; restarting it" in (stack.log.read_text())
        )
        assert _eventually(lambda: _listening(stack.urls["inventory"]))
        assert stack.get_json("inventory", "/api/inventory?skuCode=iphone_13")


def test_an_order_for_a_demo_product_is_confirmed_and_takes_its_stock(stack: Stack) -> None:
    before = stack.get_json("inventory", "/api/inventory?skuCode=pixel_8")[0]["quantity"]
    line = {"skuCode": "pixel_8", "price": 699.00, "quantity": 2}

    order = stack.place_guest_order([line])

    assert order["status"] == "CONFIRMED"
    assert order["total"] == 1398.0
    after = stack.get_json("inventory", "/api/inventory?skuCode=pixel_8")[0]["quantity"]
    assert after == before - 2


def test_the_identity_service_generates_every_credential_owner_only(stack: Stack) -> None:
    files = [stack.secrets_dir / name for name in CLIENTS] + [
        stack.secrets_dir.parent / "admin-password"
    ]

    contents = [path.read_text().strip() for path in files]

    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)
    assert all(len(secret) >= 16 for secret in contents)
    assert len(set(contents)) == len(contents)


def test_no_generated_credential_appears_in_the_log(stack: Stack) -> None:
    stack.set_stock("usb_c_cable", 50)  # the order service and the smoke client got tokens
    stack.place_guest_order([{"skuCode": "usb_c_cable", "price": 19.99, "quantity": 1}])
    log = stack.log.read_text()
    credentials = [stack.client_secret(name) for name in CLIENTS] + [
        (stack.secrets_dir.parent / "admin-password").read_text().strip()
    ]

    assert '"service":"identity"' in log, "the identity service's lines are in the log"
    assert not [secret for secret in credentials if secret in log]


def test_the_banner_tells_where_the_admin_password_is(stack: Stack) -> None:
    banner = [line for line in stack.log.read_text().splitlines() if line.startswith("shopstack:")]

    assert any(str(stack.secrets_dir.parent / "admin-password") in line for line in banner)


def test_each_procfile_line_pins_its_own_port_over_the_one_honcho_sets() -> None:
    # honcho exports PORT (5000, 5100, …) to every process, and the services read an
    # unprefixed PORT when their own is unset: each line must set its prefixed port itself.
    defaults = {
        "identity": 8083,
        "product": 8080,
        "inventory": 8081,
        "order": 8082,
        "gateway": 8000,
    }

    lines = procfile_lines()

    assert lines.keys() == defaults.keys()
    for name, command in lines.items():
        prefix = name.upper()
        assert command.startswith(f"{prefix}_PORT=${{{prefix}_PORT:-{defaults[name]}}} "), name


def test_the_procfile_keeps_the_generated_credentials_under_dot_data() -> None:
    lines = procfile_lines()

    for variable, default in [
        ("IDENTITY_ADMIN_PASSWORD_FILE", ".data/admin-password"),
        ("IDENTITY_ORDER_SERVICE_CLIENT_SECRET_FILE", ".data/secrets/order-service"),
        ("IDENTITY_SMOKE_CLIENT_SECRET_FILE", ".data/secrets/smoke"),
        ("IDENTITY_STOREFRONT_CLIENT_SECRET_FILE", ".data/secrets/storefront"),
    ]:
        assert f"{variable}=${{{variable}:-{default}}}" in lines["identity"]
    # The order service reads the very file the identity service writes its secret to.
    assert (
        "ORDER_CLIENT_SECRET_FILE=${ORDER_CLIENT_SECRET_FILE:-"
        "${IDENTITY_ORDER_SERVICE_CLIENT_SECRET_FILE:-.data/secrets/order-service}}"
    ) in lines["order"]
    # And the gateway the storefront client's.
    assert (
        "GATEWAY_OIDC_CLIENT_SECRET_FILE=${GATEWAY_OIDC_CLIENT_SECRET_FILE:-"
        "${IDENTITY_STOREFRONT_CLIENT_SECRET_FILE:-.data/secrets/storefront}}"
    ) in lines["gateway"]


def procfile_lines() -> dict[str, str]:
    procfile = REPO / "Procfile"
    return dict(
        line.split(": ", 1)
        for line in procfile.read_text().splitlines()
        if line and not line.startswith("#")
    )
