"""``python -m order_service [serve|migrate]``: run the service, or only migrate its schema."""

from order_service.config import Settings
from order_service.main import create_app, migrate
from shopkit.cli import run_service

if __name__ == "__main__":
    run_service("order", Settings, create_app, migrate)
