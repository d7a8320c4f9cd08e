"""shopstack's load generator (Locust): realistic shoppers, a flash sale and uniform load.

    locust -f deploy/k8s/components/loadgen/locustfile.py --host http://127.0.0.1:8000 \
        --headless -u 50 -r 10 -t 1m
    locust -f deploy/k8s/components/loadgen/locustfile.py --host … FlashSaleBuyer   # one hot SKU
    locust -f deploy/k8s/components/loadgen/locustfile.py --host … UniformBuyer     # every SKU

Runs against the gateway (or any host serving the /api/** routes). HOT_SKU names the flash
sale's SKU (default iphone_13). Its one home is this Kustomize component, which may read no file
outside its folder; the compose profile `load` and the tests use it from here.

Buyers order as guests, the way the storefront does: each keeps the guestSecret its orders
answered and reads or cancels them with it (Order-Secret). Writes need an admin's token:
given LOADGEN_TOKEN_URL and the secret of a client with the admin role (LOADGEN_CLIENT_SECRET,
or the file LOADGEN_CLIENT_SECRET_FILE names; the client is LOADGEN_CLIENT_ID, default smoke),
one StockKeeper gets a token by client credentials and puts HOT_SKU back to
HOT_SKU_RESTOCK units (default 100) every few seconds, so a flash sale keeps selling. Without
them it sends nothing.
"""

import os
import random
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

HOT_SKU = os.environ.get("HOT_SKU", "iphone_13")
HOT_SKU_RESTOCK = int(os.environ.get("HOT_SKU_RESTOCK", "100"))
GUEST_ORDERS_KEPT = 20
# A token is fetched again this long before it expires.
TOKEN_REFRESH_MARGIN_SECONDS = 30.0


def _client_secret() -> str | None:
    value = os.environ.get("LOADGEN_CLIENT_SECRET") or None
    file = os.environ.get("LOADGEN_CLIENT_SECRET_FILE") or None
    if value is not None and file is not None:
        raise ValueError("set LOADGEN_CLIENT_SECRET or LOADGEN_CLIENT_SECRET_FILE, not both")
    if file is not None:
        return Path(file).read_text("utf-8").rstrip("\r\n") or None
    return value


class _Buyer(HttpUser):
    abstract = True
    catalog: list[dict[str, Any]]

    def on_start(self) -> None:
        response = self.client.get("/api/product/allProducts?size=1000", name="catalog")
        self.catalog = response.json() if response.ok else []
        # (order number, guest secret) of this buyer's latest orders, newest last.
        self.orders: deque[tuple[str, str]] = deque(maxlen=GUEST_ORDERS_KEPT)

    def place_order(self, products: list[dict[str, Any]]) -> dict[str, Any] | None:
        lines = [
            {"skuCode": p["skuCode"], "price": p["price"], "quantity": random.randint(1, 3)}
            for p in products
        ]
        with self.client.post(
            "/api/order/create",
            json={"orderLineItemsDtoList": lines},
            headers={"Idempotency-Key": str(uuid.uuid4())},
            name="place order",
            catch_response=True,
        ) as response:
            # Out of stock is a correct answer, not a failure of the platform.
            if response.status_code == 409:
                response.success()
                return None
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            order = dict(response.json())
            if not order.get("guestSecret"):
                response.failure("a guest order answered no guestSecret")
                return None
            self.orders.append((order["orderNumber"], order["guestSecret"]))
            return order


class Shopper(_Buyer):
    """Browses, checks stock, buys 1 to 5 products now and then, looks at and cancels some of
    their orders."""

    wait_time = between(0.5, 2)

    @task(6)
    def browse(self) -> None:
        self.client.get("/api/product/allProducts?size=100", name="catalog")

    @task(3)
    def check_stock(self) -> None:
        if self.catalog:
            skus = ",".join(
                p["skuCode"] for p in random.sample(self.catalog, min(5, len(self.catalog)))
            )
            self.client.get(f"/api/inventory?skuCode={skus}", name="stock check")

    @task(2)
    def buy(self) -> None:
        if not self.catalog:
            return
        order = self.place_order(
            random.sample(self.catalog, random.randint(1, min(5, len(self.catalog))))
        )
        if order is not None and random.random() < 0.2:
            self.client.post(
                f"/api/order/{order['orderNumber']}/cancel",
                headers={"Order-Secret": order["guestSecret"]},
                name="cancel order",
            )

    @task(1)
    def my_order(self) -> None:
        if self.orders:
            number, secret = random.choice(self.orders)
            self.client.get(
                f"/api/order/{number}", headers={"Order-Secret": secret}, name="my order"
            )


class FlashSaleBuyer(_Buyer):
    """Everyone wants the one hot SKU, as fast as they can click."""

    wait_time = between(0.05, 0.2)

    @task
    def buy_hot_sku(self) -> None:
        hot = [p for p in self.catalog if p["skuCode"] == HOT_SKU]
        if hot:
            self.place_order(hot)


class UniformBuyer(_Buyer):
    """Orders spread evenly over the whole catalog."""

    wait_time = between(0.05, 0.2)

    @task
    def buy_any(self) -> None:
        if self.catalog:
            self.place_order([random.choice(self.catalog)])


class StockKeeper(HttpUser):
    """One admin, with a token of their own, keeping the flash sale's SKU in stock."""

    fixed_count = 1
    wait_time = between(2, 4)

    def on_start(self) -> None:
        self.token_url = os.environ.get("LOADGEN_TOKEN_URL") or None
        self.client_id = os.environ.get("LOADGEN_CLIENT_ID", "smoke")
        self.secret = _client_secret()
        self.token: str | None = None
        self.refresh_at = 0.0

    def _authorization(self) -> dict[str, str] | None:
        if self.token_url is None or self.secret is None:
            return None
        if self.token is None or time.monotonic() >= self.refresh_at:
            requested_at = time.monotonic()
            with self.client.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.secret),
                name="token",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    # The token endpoint answers an error code (never the secret it was sent).
                    response.failure(f"{response.status_code}: {response.text[:100]}")
                    return None
                answer = response.json()
            self.token = str(answer["access_token"])
            lifetime = float(answer.get("expires_in", 60))
            self.refresh_at = (
                requested_at + lifetime - min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2)
            )
        return {"Authorization": f"Bearer {self.token}"}

    @task
    def restock_the_hot_sku(self) -> None:
        authorization = self._authorization()
        if authorization is not None:
            self.client.put(
                f"/api/inventory/{HOT_SKU}",
                json={"quantity": HOT_SKU_RESTOCK},
                headers=authorization,
                name="restock",
            )
