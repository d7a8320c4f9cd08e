"""SQL plumbing shared by the services with a relational store: engines and Alembic."""

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, String, event, text
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection, QueuePool
from sqlalchemy.types import TypeEngine
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from shopkit import tracing
from shopkit.errors import ProblemType, store_unavailable

if TYPE_CHECKING:
    from alembic.config import Config

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger(__name__)

SQLITE_QUEUE_TIMEOUT_SECONDS = 60.0
"""How long a request waits for the embedded database's one connection."""


def create_engine(
    url: str, *, pool_size: int = 10, ping_if_idle_seconds: float = 5.0
) -> AsyncEngine:
    """An async engine tuned for the backend the URL names.

    SQLite (the embedded default) gets its file's folder created, WAL, a busy timeout and
    one connection, so the process is its file's only writer: concurrent requests queue
    for it in order instead of failing with "database is locked".
    A MySQL/MariaDB connection that sat in the pool for `ping_if_idle_seconds` or more is
    pinged before use, and replaced if the server dropped it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            # SQLAlchemy keeps an in-memory database on one connection already.
            engine = create_async_engine(url)
        else:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # SQLite's busy handler is no queue: writers on separate connections poll for
            # the lock, and under a burst some lose every poll until the busy timeout fails
            # them. The pool's queue is fair, so waiting for its one connection is safe.
            engine = create_async_engine(
                url, pool_size=1, max_overflow=0, pool_timeout=SQLITE_QUEUE_TIMEOUT_SECONDS
            )
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
    else:
        engine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
        )
        _ping_when_idle(engine, ping_if_idle_seconds)
    if tracing.enabled():
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    # Instead of pool_pre_ping, which pings on every checkout: a quarter of an order's
    # round trips to the database were pings of connections used a millisecond before.
    # A connection goes stale while idle (server restart, wait_timeout, a firewall), so only
    # one that waited is pinged; a failed ping makes the pool discard it and connect afresh.
    def remember_return(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["returned_at"] = time.monotonic()

    def ping_if_idle(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            raise DisconnectionError("idle connection failed its ping") from exc

    event.listen(engine.sync_engine, "checkin", remember_return)
    event.listen(engine.sync_engine, "checkout", ping_if_idle)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def ping(engine: AsyncEngine) -> None:
    """Round-trip to the database; raises when it is unreachable."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def sku_column_type() -> TypeEngine[str]:
    """SKU codes are case-sensitive everywhere; MySQL's default collation is not."""
    return String(64).with_variant(
        mysql.VARCHAR(64, charset="ascii", collation="ascii_bin"), "mysql", "mariadb"
    )


async def migrate(url: str, script_location: Path, version_table: str) -> None:
    """Bring the schema at `url` to head, then close the connection."""
    engine = create_engine(url)
    try:
        await upgrade_schema(engine, script_location, version_table)
    finally:
        await engine.dispose()


def _alembic_config(script_location: Path, version_table: str) -> "Config":
    # Alembic is imported only when a schema is migrated: a service whose migrations run
    # as their own step (Kubernetes, compose) starts ~0.2 s sooner without it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["version_table"] = version_table
    return config


async def upgrade_schema(engine: AsyncEngine, script_location: Path, version_table: str) -> None:
    """Apply every Alembic migration in `script_location` up to head."""

    def upgrade(connection: Connection) -> None:
        from alembic import command

        config = _alembic_config(script_location, version_table)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)
    logger.info("schema at head", extra={"migrations": script_location.name})


def run_alembic_env() -> None:
    """The body of every service's ``migrations/env.py``.

    Migrations run on the connection `upgrade_schema` hands over, so the async
    engine, its URL and its driver are the service's own.
    """
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through shopkit.sql.upgrade_schema")
    context.configure(
        connection=connection, version_table=context.config.attributes["version_table"]
    )
    with context.begin_transaction():
        context.run_migrations()


# MySQL: 1213 deadlock, 1205 lock wait timeout. Both roll the transaction back and are
# safe to run again from the start.
_MYSQL_LOCK_CONFLICTS = frozenset({1205, 1213})


def _is_lock_conflict(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    code = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return code in _MYSQL_LOCK_CONFLICTS or "database is locked" in str(exc)


async def retry_on_lock_conflict(
    transaction: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run `transaction` again when the database aborted it for a lock conflict, so a
    deadlock between concurrent orders never reaches a client."""
    retrying = AsyncRetrying(
        stop=stop_after_attempt(5),
        wait=wait_random_exponential(multiplier=0.01, max=0.2),
        retry=retry_if_exception(_is_lock_conflict),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await transaction(*args, **kwargs)
    raise AssertionError("unreachable: tenacity re-raises the last failure")


class PoolCollector(Collector):
    """The engine's connection pool by state, under HikariCP's metric names, so the pool
    panels built for the Spring services keep working."""

    def __init__(self, engine: AsyncEngine, pool_name: str) -> None:
        self._engine = engine
        self._pool_name = pool_name

    def collect(self) -> Iterator[Metric]:
        pool = self._engine.pool
        if not isinstance(pool, QueuePool):
            return
        active, idle = pool.checkedout(), pool.checkedin()
        figures = {
            "hikaricp_connections_active": ("Connections in use", active),
            "hikaricp_connections_idle": ("Open connections not in use", idle),
            "hikaricp_connections": ("Open connections", active + idle),
            "hikaricp_connections_max": (
                "Most connections the pool opens",
                pool.size() + max(pool._max_overflow, 0),
            ),
        }
        for name, (documentation, value) in figures.items():
            family = GaugeMetricFamily(name, documentation, labels=["pool"])
            family.add_metric([self._pool_name], value)
            yield family


DATABASE_UNAVAILABLE: ProblemType[OperationalError] = store_unavailable(OperationalError)
"""How a service on a SQL store answers while its database cannot be reached (restarting,
failing over): a 503 to retry, never a 500. Every SQL service's catalogue lists it."""
