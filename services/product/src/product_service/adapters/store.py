"""The catalog's store, chosen by the database URL's scheme."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from prometheus_client.registry import Collector

from product_service.ports import ProductRepository
from shopkit.errors import ProblemType, store_unavailable
from shopkit.health import HealthCheck


@dataclass(frozen=True)
class ProductStore:
    repository: ProductRepository
    health_check: HealthCheck
    pool_metrics: Collector


@asynccontextmanager
async def open_product_store(database_url: str, *, migrate: bool) -> AsyncIterator[ProductStore]:
    """Connect to the store `database_url` names; with `migrate`, bring it to head first
    (the SQL schema, or MongoDB's indexes).

    The drivers are imported here, so an image configured for MongoDB never loads SQL's.
    """
    if database_url.startswith(("mongodb://", "mongodb+srv://")):
        from product_service.adapters.mongo import open_mongo_store

        async with open_mongo_store(database_url, migrate=migrate) as (repository, ping, pool):
            yield ProductStore(repository, HealthCheck("mongo", ping), pool)
    else:
        try:
            from product_service.adapters.sql import open_sql_store
        except ImportError as exc:
            raise RuntimeError(
                f"{database_url.split(':', 1)[0]} needs the SQL extra: install product-service[sql]"
            ) from exc

        async with open_sql_store(database_url, migrate=migrate) as (repository, ping, pool):
            yield ProductStore(repository, HealthCheck("db", ping), pool)


def store_unavailable_problem(database_url: str) -> ProblemType[Any]:
    """How the API answers while the store `database_url` names cannot be reached: a 503
    to retry, never a 500."""
    if database_url.startswith(("mongodb://", "mongodb+srv://")):
        from pymongo.errors import ConnectionFailure

        return store_unavailable(ConnectionFailure)
    from shopkit.sql import DATABASE_UNAVAILABLE

    return DATABASE_UNAVAILABLE


async def migrate_product_store(database_url: str) -> None:
    """Bring the store `database_url` names to head, then close it."""
    async with open_product_store(database_url, migrate=True):
        pass
