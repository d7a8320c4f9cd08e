"""The catalog and the inventory, reached over HTTP through shopkit's service client."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from order_service.domain import (
    DependencyUnavailableError,
    OrderLine,
    RequestNotSentError,
    Shortage,
)
from order_service.ports import Reservation, ReservationStatus
from shopkit.auth import TokenUnavailableError
from shopkit.http_client import Reply, ServiceClient, ServiceUnavailableError

RESERVATION = "/api/inventory/reservations/{orderNumber}"


async def _call(client: ServiceClient, method: str, path: str, uri: str, **kwargs: Any) -> Reply:
    try:
        return await client.call(method, path, idempotent=True, uri=uri, **kwargs)
    except TokenUnavailableError as exc:
        raise RequestNotSentError(exc.service, exc.reason) from exc
    except ServiceUnavailableError as exc:
        raise DependencyUnavailableError(exc.service, exc.reason) from exc


def _unexpected(client: ServiceClient, reply: Reply) -> DependencyUnavailableError:
    return DependencyUnavailableError(client.name, f"unexpected answer {reply.status}")


class HttpCatalog:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def prices(self, sku_codes: Sequence[str], *, fresh: bool = False) -> dict[str, Decimal]:
        # Every answer here comes from the catalog itself, so each is fresh.
        reply = await _call(
            self._client,
            "GET",
            "/api/product",
            "/api/product",
            params={"skuCode": ",".join(sku_codes)},
        )
        if reply.status != 200:
            raise _unexpected(self._client, reply)
        return {product["skuCode"]: Decimal(product["price"]) for product in reply.body}


def _reservation(reply: Reply) -> Reservation | None:
    body = reply.body or {}
    if reply.status in (200, 201):
        return Reservation(ReservationStatus(body["status"]))
    if reply.status == 409 and str(body.get("type", "")).endswith("insufficient-stock"):
        shortages = tuple(
            Shortage(s["skuCode"], s["requested"], s["available"]) for s in body["shortages"]
        )
        return Reservation(ReservationStatus.REJECTED, shortages)
    if reply.status == 409 and str(body.get("type", "")).endswith("reservation-released"):
        return Reservation(ReservationStatus.RELEASED)
    return None


class HttpInventory:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def reserve(self, order_number: str, lines: Sequence[OrderLine]) -> Reservation:
        # Retried safely: inventory answers a repeated order number with its first outcome.
        reply = await _call(
            self._client,
            "POST",
            "/api/inventory/reservations",
            "/api/inventory/reservations",
            json={
                "orderNumber": order_number,
                "items": [{"skuCode": line.sku_code, "quantity": line.quantity} for line in lines],
            },
        )
        reservation = _reservation(reply)
        if reservation is None:
            raise _unexpected(self._client, reply)
        return reservation

    async def release(self, order_number: str) -> None:
        reply = await _call(
            self._client, "DELETE", f"/api/inventory/reservations/{order_number}", RESERVATION
        )
        if reply.status != 200:
            raise _unexpected(self._client, reply)

    async def reservation(self, order_number: str) -> Reservation | None:
        reply = await _call(
            self._client, "GET", f"/api/inventory/reservations/{order_number}", RESERVATION
        )
        if reply.status == 404:
            return None
        if reply.status != 200:
            raise _unexpected(self._client, reply)
        body = reply.body
        shortages = tuple(
            Shortage(s["skuCode"], s["requested"], s["available"]) for s in body["shortages"]
        )
        return Reservation(ReservationStatus(body["status"]), shortages)
