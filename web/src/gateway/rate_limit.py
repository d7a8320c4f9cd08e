"""Per-client rate limits on writes and sign-in, counted by the `limits` library.

The client is the address the gateway sees: uvicorn takes it from ``X-Forwarded-For`` only
when the connection comes from an address in ``FORWARDED_ALLOW_IPS`` (the ingress), so a
client cannot choose its own. One gateway counts in memory; replicas that share sessions in
Redis share the counts there too.
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from gateway.config import Settings

KEY_PREFIX = "gateway-rate"


class RateLimitedError(Exception):
    """The client sent more than its limit allows; it may try again after `retry_after`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests from this client; try again in {retry_after} s.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """One limit: its name (the bucket) and how many requests per window it allows."""

    name: str
    item: RateLimitItem


@dataclass(frozen=True)
class RateLimits:
    """The gateway's limits and the store that counts them."""

    limiter: SlidingWindowCounterRateLimiter
    writes: Limit
    sign_in: Limit

    async def hit(self, limit: Limit, client: str) -> None:
        """Count one request of `client` against `limit`; RateLimitedError past it."""
        if await self.limiter.hit(limit.item, KEY_PREFIX, limit.name, client):
            return
        stats = await self.limiter.get_window_stats(limit.item, KEY_PREFIX, limit.name, client)
        raise RateLimitedError(max(1, math.ceil(stats.reset_time - time.time())))


def _storage(url: str) -> Storage:
    if url.startswith(("redis://", "rediss://")):
        # redis-py, which the session store already uses (limits' default is coredis).
        return RedisStorage("async+" + url, implementation="redispy")
    return MemoryStorage()


def rate_limits_of(settings: Settings) -> RateLimits:
    """The limits `settings` configure, counted where the sessions are shared (if they are)."""
    return RateLimits(
        SlidingWindowCounterRateLimiter(_storage(settings.session_store_url)),
        Limit("writes", parse(settings.rate_limit_writes)),
        Limit("sign-in", parse(settings.rate_limit_sign_in)),
    )
