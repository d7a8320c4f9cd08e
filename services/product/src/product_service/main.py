"""The product service's app: routes, store and lifecycle."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from product_service.adapters import open_product_store
from product_service.adapters.page_cache import PageCachingRepository
from product_service.api.routes import router
from product_service.core.config import Settings
from product_service.demo import seed_demo_catalog
from product_service.metrics import CatalogMetrics
from shopkit.app import create_app as create_service_app

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The product service app, on the store `settings.database_url` names."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_product_store(settings.database_url) as store:
            app.state.products = (
                PageCachingRepository(store.repository, settings.catalog_cache_seconds)
                if settings.catalog_cache_seconds > 0
                else store.repository
            )
            app.state.health_checks = [store.health_check]
            app.state.metrics.registry.register(store.pool_metrics)
            app.state.metrics.refresh_before_scrape(
                partial(catalog_metrics.refresh, store.repository)
            )
            if settings.demo_data:
                added = await seed_demo_catalog(store.repository)
                logger.info("demo catalog seeded", extra={"products_added": added})
            yield

    app = create_service_app(
        service="product",
        distribution="product-service",
        settings=settings,
        routers=[router],
        lifespan=lifespan,
    )
    catalog_metrics = CatalogMetrics(app.state.metrics.registry)
    return app
