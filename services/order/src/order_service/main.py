"""The order service's app: routes, store, clients and the recovery loop."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial

from fastapi import FastAPI

from order_service.adapters.http import HttpCatalog, HttpInventory
from order_service.adapters.price_cache import CachedCatalog
from order_service.adapters.sql import MIGRATIONS, VERSION_TABLE, SqlOrderRepository
from order_service.api.routes import router
from order_service.core.config import Settings
from order_service.metrics import PrometheusOrderOutcomes
from order_service.ports import Catalog
from order_service.service import Ordering, settle_abandoned_orders
from shopkit.app import create_app as create_service_app
from shopkit.health import HealthCheck
from shopkit.http_client import ServiceClient, close_session, create_session
from shopkit.sql import PoolCollector, create_engine, ping, upgrade_schema
from shopkit.sql import migrate as migrate_schema

logger = logging.getLogger(__name__)


async def migrate(settings: Settings) -> None:
    """Bring the order schema to head."""
    await migrate_schema(settings.database_url, MIGRATIONS, VERSION_TABLE)


async def run_recovery(ordering: Ordering, settings: Settings) -> None:
    """Settle orders a crash left PENDING, every `recovery_interval_seconds`, forever."""
    older_than = timedelta(seconds=settings.recovery_min_age_seconds)
    while True:
        try:
            await settle_abandoned_orders(ordering, older_than=older_than)
        except Exception:
            logger.exception("recovery round failed")
        await asyncio.sleep(settings.recovery_interval_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The order service app, on `settings.database_url`, calling product and inventory."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        session = create_session()
        recovery: asyncio.Task[None] | None = None
        try:
            if settings.migrate_on_start:
                await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
            policy = settings.client_policy()
            metrics = app.state.metrics
            metrics.registry.register(PoolCollector(engine, "order"))
            catalog: Catalog = HttpCatalog(
                ServiceClient("product", settings.product_url, session, policy, metrics)
            )
            if settings.price_cache_seconds > 0:
                catalog = CachedCatalog(catalog, settings.price_cache_seconds)
            ordering = Ordering(
                orders=SqlOrderRepository(engine),
                catalog=catalog,
                inventory=HttpInventory(
                    ServiceClient("inventory", settings.inventory_url, session, policy, metrics)
                ),
                idempotency_wait_seconds=settings.idempotency_wait_seconds,
                outcomes=PrometheusOrderOutcomes(metrics.registry),
            )
            app.state.ordering = ordering
            # Readiness is the order store only: a dead inventory must not take this
            # service out of its load balancer (orders then answer 503 quickly).
            app.state.health_checks = [HealthCheck("db", partial(ping, engine))]
            recovery = asyncio.create_task(run_recovery(ordering, settings), name="recovery")
            yield
        finally:
            if recovery is not None:
                recovery.cancel()
            await close_session(session)
            await engine.dispose()

    return create_service_app(
        service="order",
        distribution="order-service",
        settings=settings,
        routers=[router],
        lifespan=lifespan,
    )
