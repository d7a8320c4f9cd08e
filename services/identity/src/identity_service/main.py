"""The identity service's app: its routes, its problem catalogue and its composition root."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from identity_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from identity_service.api.pages import STATIC
from identity_service.api.problems import PROBLEMS
from identity_service.api.routes import discovery, logout, oauth, sign_in, sign_up
from identity_service.bootstrap import IdentityDependencies
from identity_service.bootstrap import bootstrap as open_identity
from identity_service.config import Settings
from shopkit.app import create_app as create_service_app
from shopkit.sql import migrate as migrate_schema
from shopkit.wiring import Bootstrap


async def migrate(settings: Settings) -> None:
    """Bring the identity schema to head."""
    await migrate_schema(settings.database_url, MIGRATIONS, VERSION_TABLE)


def create_app(
    settings: Settings | None = None,
    bootstrap: Bootstrap[IdentityDependencies] | None = None,
) -> FastAPI:
    """The identity service app, on the database `settings.database_url` names.

    `bootstrap` replaces the one that opens that database (tests wire their own with it).
    """
    settings = settings or Settings()
    app = create_service_app(
        service="identity",
        distribution="identity-service",
        settings=settings,
        routers=[discovery.router, oauth.router, logout.router, sign_in.router, sign_up.router],
        bootstrap=bootstrap or open_identity(settings),
        problems=PROBLEMS,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
