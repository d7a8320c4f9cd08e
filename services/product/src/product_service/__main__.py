"""``python -m product_service``: run the product service alone."""

from product_service.core.config import Settings
from product_service.main import create_app
from shopkit.cli import run_service

if __name__ == "__main__":
    run_service("product", Settings, create_app)
