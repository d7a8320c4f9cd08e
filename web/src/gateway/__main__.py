"""``python -m gateway``: serve the storefront and forward /api/** to the services."""

from gateway.config import Settings
from gateway.main import create_app
from shopkit.cli import run_service

if __name__ == "__main__":
    run_service("gateway", Settings, create_app, distribution="web-gateway")
