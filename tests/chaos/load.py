"""A steady order load: a few guest customers, each placing orders through the order
service's HTTP API one after the other (half of them with an Idempotency-Key, as the
storefront sends), reading some back and cancelling some, and keeping a tally of every
answer they saw."""

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

CUSTOMERS = 4
CLIENT_TIMEOUT_SECONDS = 10.0
# A client that got no order waits this long before the next try, as a shop's page would
# before its retry; it keeps a dead service from being hammered in a tight loop.
BACKOFF_SECONDS = 0.1
CANCEL_SHARE = 0.25
READ_SHARE = 0.25
PLACE_ANSWERS = frozenset({201, 409, 503})
"""What placing an order may answer under any fault: confirmed, out of stock, unavailable."""
FOLLOW_UP_ANSWERS = frozenset({200, 503})
"""What reading or cancelling a confirmed order may answer under any fault."""
SHOWN_SURPRISES = 5


@dataclass
class Tally:
    """Every answer the customers saw, by kind of request."""

    placed: Counter[int] = field(default_factory=Counter)
    placed_without_answer: int = 0
    followed_up: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    timeouts: int = 0
    confirmed: set[str] = field(default_factory=set)
    """The order numbers answered 201: each must be CONFIRMED, or CANCELLED by us."""
    cancelled: set[str] = field(default_factory=set)
    """The order numbers whose cancel was answered 200."""
    unexpected: int = 0
    """Answers outside what a client may see under a fault (the first few in `surprises`)."""
    surprises: list[str] = field(default_factory=list)

    @property
    def orders_sent(self) -> int:
        return sum(self.placed.values()) + self.placed_without_answer

    def surprise(self, what: str) -> None:
        self.unexpected += 1
        if len(self.surprises) < SHOWN_SURPRISES:
            self.surprises.append(what)


class Customer:
    """One guest, ordering from `skus` through `order_url` until told to stop."""

    def __init__(
        self, order_url: str, skus: list[str], tally: Tally, seed: int, with_keys: bool
    ) -> None:
        self._url = order_url
        self._skus = skus
        self._tally = tally
        self._random = random.Random(seed)
        self._with_keys = with_keys

    async def shop(self, stop: asyncio.Event) -> None:
        timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not stop.is_set():
                if not await self._one_order(session):
                    await asyncio.sleep(BACKOFF_SECONDS)

    async def _one_order(self, session: aiohttp.ClientSession) -> bool:
        """Place one order and maybe read or cancel it; False when none was placed."""
        chosen = self._random.sample(self._skus, self._random.randint(1, 2))
        lines = [
            {"skuCode": sku, "price": 10.0, "quantity": self._random.randint(1, 3)}
            for sku in chosen
        ]
        # As the storefront does: a new Idempotency-Key for every attempt.
        key = {"Idempotency-Key": str(uuid.UUID(int=self._random.getrandbits(128)))}
        answer = await self._send(
            session,
            "POST",
            "/api/order/create",
            json={"orderLineItemsDtoList": lines},
            headers=key if self._with_keys else {},
        )
        if answer is None:
            self._tally.placed_without_answer += 1
            return False
        status, body, headers = answer
        self._tally.placed[status] += 1
        self._check(status, body, headers, PLACE_ANSWERS, "place")
        if status != 201:
            return False
        number, secret = body["orderNumber"], body["guestSecret"]
        self._tally.confirmed.add(number)
        by_secret = {"Order-Secret": secret}
        if self._random.random() < READ_SHARE:
            await self._follow_up(session, "GET", f"/api/order/{number}", by_secret)
        if self._random.random() < CANCEL_SHARE:
            cancel = f"/api/order/{number}/cancel"
            if await self._follow_up(session, "POST", cancel, by_secret) == 200:
                self._tally.cancelled.add(number)
        return True

    async def _follow_up(
        self, session: aiohttp.ClientSession, method: str, path: str, headers: dict[str, str]
    ) -> int | None:
        answer = await self._send(session, method, path, headers=headers)
        if answer is None:
            return None
        status, body, answered = answer
        self._tally.followed_up[status] += 1
        self._check(status, body, answered, FOLLOW_UP_ANSWERS, f"{method} {path}")
        return status

    async def _send(
        self, session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
    ) -> tuple[int, Any, Mapping[str, str]] | None:
        """The status, JSON body and headers; None (and counted) when no answer came."""
        try:
            async with session.request(method, self._url + path, **kwargs) as response:
                body = await response.json(content_type=None)
                return response.status, body, response.headers.copy()
        except aiohttp.ClientConnectionError:
            self._tally.connection_errors += 1
        except TimeoutError:
            self._tally.timeouts += 1
        except ValueError as exc:
            self._tally.surprise(f"{method} {path}: a body that is not JSON: {exc}")
        return None

    def _check(
        self,
        status: int,
        body: Any,
        headers: Mapping[str, str],
        allowed: frozenset[int],
        what: str,
    ) -> None:
        if status not in allowed:
            self._tally.surprise(f"{what}: {status} {str(body)[:300]}")
        if status == 503 and not headers.get("Retry-After", "").isdigit():
            self._tally.surprise(f"{what}: 503 without Retry-After: {dict(headers)}")
        problem = body.get("type") if isinstance(body, dict) else None
        if status == 409 and what == "place" and not str(problem).endswith("insufficient-stock"):
            self._tally.surprise(f"{what}: 409 {body}")


class Load:
    """`CUSTOMERS` customers ordering from `skus` for as long as the block lasts."""

    def __init__(self, order_url: str, skus: list[str], seed: int) -> None:
        self.tally = Tally()
        # Half order as the storefront does, with an Idempotency-Key (the order service
        # then reads its own store first), half as a bare API client, without.
        self._customers = [
            Customer(order_url, skus, self.tally, seed * 100 + n, with_keys=n % 2 == 0)
            for n in range(CUSTOMERS)
        ]
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> "Load":
        self._tasks = [asyncio.create_task(c.shop(self._stop)) for c in self._customers]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # Requests in flight finish (or time out on the client): their answers are counted.
        self._stop.set()
        await asyncio.gather(*self._tasks)
