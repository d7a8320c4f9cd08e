"""``python -m order_service [serve|migrate]``: run the service, or only migrate its schema."""

import argparse
import asyncio

from order_service.core.config import Settings
from order_service.main import create_app, migrate
from shopkit.logging import configure_logging
from shopkit.server import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="order_service")
    parser.add_argument("command", nargs="?", choices=["serve", "migrate"], default="serve")
    command = parser.parse_args().command
    settings = Settings()
    configure_logging("order", settings.log_level)
    if command == "migrate":
        asyncio.run(migrate(settings))
    else:
        serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
