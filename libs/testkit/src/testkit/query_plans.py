"""What MariaDB plans for the statements a repository really sends (EXPLAIN)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class SentStatement:
    sql: str
    parameters: Any


@contextmanager
def statements_sent(engine: AsyncEngine) -> Iterator[list[SentStatement]]:
    """Collects every statement `engine` sends to the database inside the block."""
    sent: list[SentStatement] = []

    def record(
        _connection: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        if not many:
            sent.append(SentStatement(sql, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def explain(engine: AsyncEngine, statement: SentStatement) -> list[dict[str, Any]]:
    """MariaDB's plan for `statement`, one row per table it reads."""
    async with engine.connect() as connection:
        result = await connection.exec_driver_sql("EXPLAIN " + statement.sql, statement.parameters)
        return [dict(row._mapping) for row in result]


async def plans_reading_tables(
    engine: AsyncEngine, sent: list[SentStatement]
) -> dict[str, list[dict[str, Any]]]:
    """The plan of every SELECT, UPDATE and DELETE in `sent`, by SQL text."""
    reading = [s for s in sent if s.sql.lstrip().split(None, 1)[0].upper() in _READING]
    return {statement.sql: await explain(engine, statement) for statement in reading}


def full_scans(plans: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The statements whose plan reads some table from end to end (type ALL, no key)."""
    return {
        sql: rows
        for sql, rows in plans.items()
        if any(row["table"] is not None and row["type"] == "ALL" for row in rows)
    }


_READING = {"SELECT", "UPDATE", "DELETE"}
