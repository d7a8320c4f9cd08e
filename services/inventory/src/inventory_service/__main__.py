"""``python -m inventory_service [serve|migrate]``: run the service, or only migrate its schema."""

import argparse
import asyncio

from inventory_service.core.config import Settings
from inventory_service.main import create_app, migrate
from shopkit.logging import configure_logging
from shopkit.server import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="inventory_service")
    parser.add_argument("command", nargs="?", choices=["serve", "migrate"], default="serve")
    command = parser.parse_args().command
    settings = Settings()
    configure_logging("inventory", settings.log_level)
    if command == "migrate":
        asyncio.run(migrate(settings))
    else:
        serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
