"""The order service's app, and its `migrate` command."""

from fastapi import FastAPI

from order_service import bootstrap as composition_root
from order_service.adapters.sql import MIGRATIONS, VERSION_TABLE
from order_service.api.problems import PROBLEMS
from order_service.api.routes import orders
from order_service.config import Settings
from shopkit.app import create_app as create_service_app
from shopkit.sql import migrate as migrate_schema
from shopkit.wiring import Bootstrap


async def migrate(settings: Settings) -> None:
    """Bring the order schema to head."""
    await migrate_schema(settings.database_url, MIGRATIONS, VERSION_TABLE)


def create_app(
    settings: Settings | None = None,
    bootstrap: Bootstrap[composition_root.OrderDependencies] | None = None,
) -> FastAPI:
    """The order service app, on `settings.database_url`, calling product and inventory;
    tests may wire it with their own `bootstrap`."""
    settings = settings or Settings()
    return create_service_app(
        service="order",
        distribution="order-service",
        settings=settings,
        routers=[orders.router],
        bootstrap=bootstrap or composition_root.bootstrap(settings),
        problems=PROBLEMS,
    )
