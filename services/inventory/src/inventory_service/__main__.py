"""``python -m inventory_service [serve|migrate]``: run the service, or only migrate its schema."""

from inventory_service.config import Settings
from inventory_service.main import create_app, migrate
from shopkit.cli import run_service

if __name__ == "__main__":
    run_service("inventory", Settings, create_app, migrate)
