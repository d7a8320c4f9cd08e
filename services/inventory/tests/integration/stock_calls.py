"""The calls the inventory tests make over HTTP, each checked to succeed."""

import secrets
import uuid
from typing import Any

import aiohttp


async def stocked_sku(admin: aiohttp.ClientSession, quantity: int) -> str:
    sku = f"sku-{secrets.token_hex(6)}"
    async with admin.put(f"/api/inventory/{sku}", json={"quantity": quantity}) as response:
        assert response.status == 200
    return sku


async def quantity_of(http: aiohttp.ClientSession, sku: str) -> int:
    async with http.get("/api/inventory", params={"skuCode": sku}) as response:
        assert response.status == 200
        level: int = (await response.json())[0]["quantity"]
        return level


def reservation_of(sku: str, quantity: int = 1) -> dict[str, Any]:
    return {"orderNumber": str(uuid.uuid4()), "items": [{"skuCode": sku, "quantity": quantity}]}


async def reserved(order_service: aiohttp.ClientSession, sku: str, quantity: int) -> str:
    """The order number of a reservation of `quantity` units of `sku`."""
    body = reservation_of(sku, quantity)
    async with order_service.post("/api/inventory/reservations", json=body) as response:
        assert response.status == 201
    return str(body["orderNumber"])


async def status_of(order_service: aiohttp.ClientSession, order: str) -> str:
    async with order_service.get(f"/api/inventory/reservations/{order}") as response:
        assert response.status == 200
        status: str = (await response.json())["status"]
        return status
