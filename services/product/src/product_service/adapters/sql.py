"""The catalog in a relational database: SQLite embedded, MySQL/MariaDB in production."""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from product_service.adapters.tables import MIGRATIONS, VERSION_TABLE, products
from product_service.domain import DuplicateSkuError, Product
from shopkit.money import from_minor_units, to_minor_units
from shopkit.sql import PoolCollector, create_engine, ping, upgrade_schema


def _to_product(row: Row[tuple[str, str, str, str, int]]) -> Product:
    # By position (the table's column order): attribute lookups on 100 rows a page showed.
    product_id, sku_code, name, description, price_minor = row
    return Product(product_id, sku_code, name, description, from_minor_units(price_minor))


class SqlProductRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, product: Product) -> None:
        values = {
            "id": product.id,
            "sku_code": product.sku_code,
            "name": product.name,
            "description": product.description,
            "price_minor": to_minor_units(product.price),
        }
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(products).values(values))
        except IntegrityError as exc:
            raise DuplicateSkuError(product.sku_code) from exc

    async def get(self, product_id: str) -> Product | None:
        async with self._engine.connect() as connection:
            result = await connection.execute(select(products).where(products.c.id == product_id))
            row = result.one_or_none()
        return None if row is None else _to_product(row)

    async def find_by_skus(self, sku_codes: Sequence[str]) -> list[Product]:
        query = select(products).where(products.c.sku_code.in_(list(sku_codes)))
        async with self._engine.connect() as connection:
            return [_to_product(row) for row in await connection.execute(query)]

    async def list_page(self, offset: int, limit: int) -> list[Product]:
        query = select(products).order_by(products.c.sku_code).offset(offset).limit(limit)
        async with self._engine.connect() as connection:
            return [_to_product(row) for row in await connection.execute(query)]

    async def count(self) -> int:
        async with self._engine.connect() as connection:
            total = await connection.scalar(select(func.count()).select_from(products))
        return int(total or 0)


@asynccontextmanager
async def open_sql_store(
    url: str, *, migrate: bool
) -> AsyncIterator[tuple[SqlProductRepository, Callable[[], Awaitable[object]], PoolCollector]]:
    """A repository on the database the URL names; with `migrate`, its schema at head first."""
    engine = create_engine(url)
    try:
        if migrate:
            await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)

        async def ping_database() -> object:
            await ping(engine)
            return None

        yield SqlProductRepository(engine), ping_database, PoolCollector(engine, "product")
    finally:
        await engine.dispose()
