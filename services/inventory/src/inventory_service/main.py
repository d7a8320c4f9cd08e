"""The inventory service's app: routes, store and lifecycle."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from inventory_service.adapters.reservations import SqlReservationRepository
from inventory_service.adapters.sql import MIGRATIONS, VERSION_TABLE, SqlStockRepository
from inventory_service.api import reservations
from inventory_service.api.routes import router
from inventory_service.core.config import Settings
from inventory_service.demo import seed_demo_stock
from inventory_service.metrics import InventoryMetrics
from shopkit.app import create_app as create_service_app
from shopkit.health import HealthCheck
from shopkit.sql import PoolCollector, create_engine, ping, upgrade_schema
from shopkit.sql import migrate as migrate_schema

logger = logging.getLogger(__name__)


async def migrate(settings: Settings) -> None:
    """Bring the inventory schema to head."""
    await migrate_schema(settings.database_url, MIGRATIONS, VERSION_TABLE)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The inventory service app, on the database `settings.database_url` names."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        try:
            if settings.migrate_on_start:
                await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
            stock = SqlStockRepository(engine)
            app.state.stock = stock
            app.state.metrics.registry.register(PoolCollector(engine, "inventory"))
            app.state.metrics.refresh_before_scrape(partial(inventory_metrics.refresh, stock))
            app.state.reservations = SqlReservationRepository(engine)
            app.state.health_checks = [HealthCheck("db", partial(ping, engine))]
            if settings.demo_data:
                added = await seed_demo_stock(stock)
                logger.info("demo stock seeded", extra={"skus_added": added})
            yield
        finally:
            await engine.dispose()

    app = create_service_app(
        service="inventory",
        distribution="inventory-service",
        settings=settings,
        routers=[reservations.router, router],
        lifespan=lifespan,
    )
    inventory_metrics = InventoryMetrics(app.state.metrics.registry, settings.low_stock_threshold)
    app.state.inventory_metrics = inventory_metrics
    return app
