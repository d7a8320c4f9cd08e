"""One order through the gateway container: the images work together, not only alone.

Usage: python3 smoke_order.py http://127.0.0.1:PORT   (standard library only: it runs with
the host's python3, outside the project's venv)
"""

import json
import sys
import urllib.request
import uuid


def call(base: str, method: str, path: str, body: object | None = None) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def check(condition: bool, detail: object) -> None:
    # Not `assert`: this must fail even under `python -O`.
    if not condition:
        raise SystemExit(f"image smoke test failed: {detail}")


def main(base: str) -> None:
    status, page = call(base, "GET", "/")
    # The page ships inside the gateway's wheel (web/src/gateway/static).
    check(status == 200 and "<html" in page.lower(), (status, page[:200]))
    sku = "img_" + uuid.uuid4().hex[:12]
    product = {"name": "Image check", "description": "", "price": 9.99, "skuCode": sku}
    check(call(base, "POST", "/api/product/create", product)[0] == 201, "product not created")
    check(call(base, "PUT", f"/api/inventory/{sku}", {"quantity": 3})[0] == 200, "stock not set")
    line = {"skuCode": sku, "price": 9.99, "quantity": 2}
    status, body = call(base, "POST", "/api/order/create", {"orderLineItemsDtoList": [line]})
    order = json.loads(body)
    check(status == 201 and order["status"] == "CONFIRMED", (status, body))
    stock = json.loads(call(base, "GET", f"/api/inventory?skuCode={sku}")[1])
    check(stock[0]["quantity"] == 1, stock)
    print(f"order {order['orderNumber']} CONFIRMED through the gateway; stock 3 -> 1")


if __name__ == "__main__":
    main(sys.argv[1])
