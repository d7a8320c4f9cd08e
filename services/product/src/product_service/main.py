"""The product service's app, and the command that migrates its store."""

from fastapi import FastAPI

from product_service.adapters.store import migrate_product_store, store_unavailable_problem
from product_service.api.problems import PROBLEMS
from product_service.api.routes import products
from product_service.bootstrap import ProductDependencies
from product_service.bootstrap import bootstrap as product_bootstrap
from product_service.config import Settings
from shopkit.app import create_app as create_service_app
from shopkit.wiring import Bootstrap


async def migrate(settings: Settings) -> None:
    """Bring the catalog's store to head: the SQL schema, or MongoDB's indexes."""
    await migrate_product_store(settings.database_url)


def create_app(
    settings: Settings | None = None, bootstrap: Bootstrap[ProductDependencies] | None = None
) -> FastAPI:
    """The product service app, on the store `settings.database_url` names, or on what
    `bootstrap` (tests) builds."""
    settings = settings or Settings()
    return create_service_app(
        service="product",
        distribution="product-service",
        settings=settings,
        routers=[products.router],
        bootstrap=bootstrap or product_bootstrap(settings),
        problems=[store_unavailable_problem(settings.database_url), *PROBLEMS],
    )
