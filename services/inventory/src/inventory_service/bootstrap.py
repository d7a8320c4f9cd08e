"""The inventory's composition root: its stores and metrics, opened once at start-up."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from inventory_service.adapters.metrics import InventoryMetrics
from inventory_service.adapters.reservations import SqlReservationRepository
from inventory_service.adapters.sql import SqlStockRepository
from inventory_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from inventory_service.config import Settings
from inventory_service.demo import seed_demo_stock
from inventory_service.ports import ReservationOutcomes, ReservationRepository, StockRepository
from shopkit.health import HealthCheck
from shopkit.metrics import ServiceMetrics
from shopkit.sql import PoolCollector, create_engine, ping, upgrade_schema
from shopkit.wiring import Bootstrap, Wired

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InventoryDependencies:
    """What the inventory's routes work with."""

    stock: StockRepository
    reservations: ReservationRepository
    outcomes: ReservationOutcomes


def bootstrap(settings: Settings) -> Bootstrap[InventoryDependencies]:
    """Open the database `settings.database_url` names (migrated unless told not to), count
    into the service's metrics, and close the database after."""

    @asynccontextmanager
    async def open_inventory(
        metrics: ServiceMetrics,
    ) -> AsyncIterator[Wired[InventoryDependencies]]:
        engine = create_engine(settings.database_url)
        try:
            if settings.migrate_on_start:
                await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
            stock = SqlStockRepository(engine)
            inventory_metrics = InventoryMetrics(metrics.registry, settings.low_stock_threshold)
            metrics.registry.register(PoolCollector(engine, "inventory"))
            metrics.refresh_before_scrape(partial(inventory_metrics.refresh, stock))
            if settings.demo_data:
                added = await seed_demo_stock(stock)
                logger.info("demo stock seeded", extra={"skus_added": added})
            dependencies = InventoryDependencies(
                stock=stock,
                reservations=SqlReservationRepository(engine),
                outcomes=inventory_metrics,
            )
            yield Wired(dependencies, [HealthCheck("db", partial(ping, engine))])
        finally:
            await engine.dispose()

    return open_inventory
