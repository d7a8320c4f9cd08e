"""The composition root: the catalog's object graph, built once at start-up."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from product_service.adapters.metrics import CatalogMetrics
from product_service.adapters.page_cache import PageCachingRepository
from product_service.adapters.store import open_product_store
from product_service.config import Settings
from product_service.demo import seed_demo_catalog
from product_service.ports import ProductRepository
from shopkit.metrics import ServiceMetrics
from shopkit.wiring import Bootstrap, Wired

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProductDependencies:
    """Everything the product routes use."""

    products: ProductRepository


def bootstrap(settings: Settings) -> Bootstrap[ProductDependencies]:
    """Opens the store `settings.database_url` names (migrated unless
    `settings.migrate_on_start` is off), registers its metrics and seeds the demo catalog."""

    @asynccontextmanager
    async def wire(metrics: ServiceMetrics) -> AsyncIterator[Wired[ProductDependencies]]:
        async with open_product_store(
            settings.database_url, migrate=settings.migrate_on_start
        ) as store:
            metrics.registry.register(store.pool_metrics)
            catalog_metrics = CatalogMetrics(metrics.registry)
            metrics.refresh_before_scrape(partial(catalog_metrics.refresh, store.repository))
            if settings.demo_data:
                added = await seed_demo_catalog(store.repository)
                logger.info("demo catalog seeded", extra={"products_added": added})
            products = (
                PageCachingRepository(store.repository, settings.catalog_cache_seconds)
                if settings.catalog_cache_seconds > 0
                else store.repository
            )
            yield Wired(ProductDependencies(products), [store.health_check])

    return wire
