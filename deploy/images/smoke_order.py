"""One order through the gateway container: the images work together, not only alone.

Usage: SMOKE_TOKEN_URL=… SMOKE_CLIENT_SECRET=… python3 smoke_order.py http://127.0.0.1:PORT
(standard library only: it runs with the host's python3, outside the project's venv). The
product and its stock are admin writes: they carry the smoke client's token, got by client
credentials; the order is a guest's, as the reference system's clients order.
"""

import json
import os
import sys
import urllib.parse
import urllib.request
import uuid

# The name of the variable the smoke client's secret is handed over in (never a value here).
CREDENTIAL_VARIABLE = "SMOKE_CLIENT_SECRET"


def smoke_token() -> str:
    """An access token of the `smoke` client (role admin), by client credentials."""
    form = {
        "grant_type": "client_credentials",
        "client_id": "smoke",
        "client_secret": os.environ[CREDENTIAL_VARIABLE],
    }
    request = urllib.request.Request(
        os.environ["SMOKE_TOKEN_URL"], data=urllib.parse.urlencode(form).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        token: str = json.load(response)["access_token"]
    return token


def call(
    base: str, method: str, path: str, body: object | None = None, token: str | None = None
) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token is not None:
        request.add_header("authorization", f"Bearer {token}")
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
    token = smoke_token()
    sku = "img_" + uuid.uuid4().hex[:12]
    product = {"name": "Image check", "description": "", "price": 9.99, "skuCode": sku}
    created = call(base, "POST", "/api/product/create", product, token)
    check(created[0] == 201, ("product not created", created))
    stocked = call(base, "PUT", f"/api/inventory/{sku}", {"quantity": 3}, token)
    check(stocked[0] == 200, ("stock not set", stocked))
    line = {"skuCode": sku, "price": 9.99, "quantity": 2}
    status, body = call(base, "POST", "/api/order/create", {"orderLineItemsDtoList": [line]})
    order = json.loads(body)
    check(status == 201 and order["status"] == "CONFIRMED", (status, body))
    stock = json.loads(call(base, "GET", f"/api/inventory?skuCode={sku}")[1])
    check(stock[0]["quantity"] == 1, stock)
    print(f"order {order['orderNumber']} CONFIRMED through the gateway; stock 3 -> 1")


if __name__ == "__main__":
    main(sys.argv[1])
