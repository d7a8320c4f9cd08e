"""Stock in a relational database: SQLite embedded, MySQL/MariaDB in production."""

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.dml import Insert

from inventory_service.adapters.tables import inventory
from shopkit.faults import database_fault

# Built once: building a statement costs more CPU than MariaDB spends running this one.
_QUANTITIES = select(inventory.c.sku_code, inventory.c.quantity).where(
    inventory.c.sku_code.in_(bindparam("skus", expanding=True))
)


def _upsert_quantity(dialect: str, sku_code: str, quantity: int) -> Insert:
    values = {"sku_code": sku_code, "quantity": quantity}
    if dialect == "sqlite":
        sqlite_insert = sqlite.insert(inventory).values(values)
        return sqlite_insert.on_conflict_do_update(
            index_elements=[inventory.c.sku_code], set_={"quantity": quantity}
        )
    if dialect in ("mysql", "mariadb"):
        return mysql.insert(inventory).values(values).on_duplicate_key_update(quantity=quantity)
    raise ValueError(f"unsupported SQL dialect for the inventory: {dialect}")


class SqlStockRepository:
    """Every unit of work first waits as the slow-database fault flag says (shopkit.faults):
    before the connection is taken, so a demo's delay holds no lock and no pooled
    connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def quantities(self, sku_codes: Sequence[str]) -> dict[str, int]:
        await database_fault()
        async with self._engine.connect() as connection:
            rows = await connection.execute(_QUANTITIES, {"skus": list(sku_codes)})
            return {sku_code: quantity for sku_code, quantity in rows}

    async def set_quantity(self, sku_code: str, quantity: int) -> None:
        statement = _upsert_quantity(self._engine.dialect.name, sku_code, quantity)
        await database_fault()
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def count(self) -> int:
        await database_fault()
        async with self._engine.connect() as connection:
            total = await connection.scalar(select(func.count()).select_from(inventory))
        return int(total or 0)

    async def count_below(self, threshold: int) -> int:
        query = select(func.count()).where(inventory.c.quantity < threshold)
        await database_fault()
        async with self._engine.connect() as connection:
            return int(await connection.scalar(query) or 0)
