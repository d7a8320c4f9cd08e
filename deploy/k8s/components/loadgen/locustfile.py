"""shopstack's load generator (Locust): realistic shoppers, a flash sale and uniform load.

    locust -f deploy/k8s/components/loadgen/locustfile.py --host http://127.0.0.1:8000 \
        --headless -u 50 -r 10 -t 1m
    locust -f deploy/k8s/components/loadgen/locustfile.py --host … FlashSaleBuyer   # one hot SKU
    locust -f deploy/k8s/components/loadgen/locustfile.py --host … UniformBuyer     # every SKU

Runs against the gateway (or any host serving the /api/** routes). HOT_SKU names the flash
sale's SKU (default iphone_13). Its one home is this Kustomize component, which may read no file
outside its folder; the compose profile `load` and the tests use it from here.
"""

import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, task

HOT_SKU = os.environ.get("HOT_SKU", "iphone_13")


class _Buyer(HttpUser):
    abstract = True
    catalog: list[dict[str, Any]]

    def on_start(self) -> None:
        response = self.client.get("/api/product/allProducts?size=1000", name="catalog")
        self.catalog = response.json() if response.ok else []

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
            if response.status_code in (201, 409):
                response.success()
                return dict(response.json()) if response.status_code == 201 else None
            response.failure(f"{response.status_code}: {response.text[:200]}")
            return None


class Shopper(_Buyer):
    """Browses, checks stock, buys 1 to 5 products now and then, cancels some orders."""

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
            self.client.post(f"/api/order/{order['orderNumber']}/cancel", name="cancel order")

    @task(1)
    def recent_orders(self) -> None:
        self.client.get("/api/order?size=20", name="recent orders")


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
