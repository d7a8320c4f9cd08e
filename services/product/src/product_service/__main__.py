"""``python -m product_service [serve|migrate]``: run the service, or only migrate its store."""

from product_service.config import Settings
from product_service.main import create_app, migrate
from shopkit.cli import run_service

if __name__ == "__main__":
    run_service("product", Settings, create_app, migrate)
