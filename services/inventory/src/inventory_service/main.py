"""The inventory service's app: its routes, its problem catalogue and its composition root."""

from fastapi import FastAPI

from inventory_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from inventory_service.api.problems import PROBLEMS
from inventory_service.api.routes import reservations, stock
from inventory_service.bootstrap import InventoryDependencies
from inventory_service.bootstrap import bootstrap as open_inventory
from inventory_service.config import Settings
from shopkit.app import create_app as create_service_app
from shopkit.sql import migrate as migrate_schema
from shopkit.wiring import Bootstrap


async def migrate(settings: Settings) -> None:
    """Bring the inventory schema to head."""
    await migrate_schema(settings.database_url, MIGRATIONS, VERSION_TABLE)


def create_app(
    settings: Settings | None = None,
    bootstrap: Bootstrap[InventoryDependencies] | None = None,
) -> FastAPI:
    """The inventory service app, on the database `settings.database_url` names.

    `bootstrap` replaces the one that opens that database (tests wire fakes with it).
    """
    settings = settings or Settings()
    return create_service_app(
        service="inventory",
        distribution="inventory-service",
        settings=settings,
        routers=[reservations.router, stock.router],
        bootstrap=bootstrap or open_inventory(settings),
        problems=PROBLEMS,
    )
