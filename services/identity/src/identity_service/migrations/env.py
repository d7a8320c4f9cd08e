from shopkit.sql import run_alembic_env

run_alembic_env()
