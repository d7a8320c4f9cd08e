"""The order service's composition root: its store, its clients and its recovery loop."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from order_service.adapters.http import HttpCatalog, HttpInventory
from order_service.adapters.metrics import PrometheusOrderOutcomes
from order_service.adapters.price_cache import CachedCatalog
from order_service.adapters.sql import MIGRATIONS, VERSION_TABLE, SqlOrderRepository
from order_service.config import Settings
from order_service.ports import Catalog
from order_service.service import Ordering, keep_settling_abandoned_orders
from shopkit.auth import ClientCredentials
from shopkit.health import HealthCheck
from shopkit.http_client import ServiceClient, close_session, create_session
from shopkit.metrics import ServiceMetrics
from shopkit.sql import PoolCollector, create_engine, ping, upgrade_schema
from shopkit.wiring import Bootstrap, Wired

RESERVATION_SCOPE = "inventory:reserve"
"""What this service's token is asked for: the inventory's reservations need it."""


@dataclass(frozen=True)
class OrderDependencies:
    """What the order routes work with."""

    ordering: Ordering


def bootstrap(settings: Settings) -> Bootstrap[OrderDependencies]:
    """Opens the order store on `settings.database_url` (migrated unless told not to), the
    clients of product and inventory (with this service's token), and the recovery loop;
    closes them all after."""

    @asynccontextmanager
    async def wired(metrics: ServiceMetrics) -> AsyncIterator[Wired[OrderDependencies]]:
        client_secret = settings.read_client_secret()
        engine = create_engine(settings.database_url)
        session = create_session()
        recovery: asyncio.Task[None] | None = None
        try:
            if settings.migrate_on_start:
                await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
            metrics.registry.register(PoolCollector(engine, "order"))
            policy = settings.client_policy()
            token = ClientCredentials(
                session,
                token_url=settings.token_endpoint,
                client_id=settings.client_id,
                client_secret=client_secret,
                scope=[RESERVATION_SCOPE],
                timeout_seconds=settings.call_timeout_seconds,
            )
            catalog: Catalog = HttpCatalog(
                ServiceClient("product", settings.product_url, session, policy, metrics, token)
            )
            if settings.price_cache_seconds > 0:
                catalog = CachedCatalog(catalog, settings.price_cache_seconds)
            ordering = Ordering(
                orders=SqlOrderRepository(engine),
                catalog=catalog,
                inventory=HttpInventory(
                    ServiceClient(
                        "inventory", settings.inventory_url, session, policy, metrics, token
                    )
                ),
                idempotency_wait_seconds=settings.idempotency_wait_seconds,
                idempotency_key_ttl=settings.idempotency_key_ttl,
                outcomes=PrometheusOrderOutcomes(metrics.registry),
            )
            recovery = asyncio.create_task(
                keep_settling_abandoned_orders(
                    ordering,
                    older_than=timedelta(seconds=settings.recovery_min_age_seconds),
                    interval_seconds=settings.recovery_interval_seconds,
                ),
                name="recovery",
            )
            # Readiness is the order store only: a dead inventory must not take this
            # service out of its load balancer (orders then answer 503 quickly).
            yield Wired(OrderDependencies(ordering), [HealthCheck("db", partial(ping, engine))])
        finally:
            if recovery is not None:
                recovery.cancel()
            await close_session(session)
            await engine.dispose()

    return wired
