from importlib.metadata import requires

import pytest

SQL_DRIVERS = ("asyncmy", "aiosqlite", "sqlalchemy", "alembic", "shopkit[sql]")


@pytest.mark.parametrize("distribution", ["product-service", "shopkit"])
def test_a_sql_driver_is_installed_only_when_the_sql_extra_is_asked_for(
    distribution: str,
) -> None:
    unconditional = [
        requirement
        for requirement in requires(distribution) or []
        if requirement.lower().startswith(SQL_DRIVERS) and "extra ==" not in requirement
    ]

    assert unconditional == []
