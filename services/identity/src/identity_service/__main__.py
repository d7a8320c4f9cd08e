"""``python -m identity_service [serve|migrate|rotate-keys|create-admin --email E]``."""

import argparse
import sys

from identity_service.commands import run_create_admin, run_rotate_keys
from identity_service.config import Settings
from identity_service.main import create_app, migrate
from shopkit.cli import run_service
from shopkit.logging import configure_logging


def main() -> int:
    parser = argparse.ArgumentParser(prog="identity_service")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the identity service (the default)")
    commands.add_parser("migrate", help="only bring the schema to head")
    commands.add_parser(
        "rotate-keys", help="sign with a new key; the old ones verify until their tokens expire"
    )
    create_admin = commands.add_parser(
        "create-admin", help="create an admin and print its generated password once"
    )
    create_admin.add_argument("--email", required=True)
    arguments = parser.parse_args()
    if arguments.command in (None, "serve", "migrate"):
        run_service("identity", Settings, create_app, migrate)
        return 0
    settings = Settings()
    configure_logging("identity", settings.log_level)
    if arguments.command == "rotate-keys":
        run_rotate_keys(settings)
        return 0
    return run_create_admin(settings, arguments.email)


if __name__ == "__main__":
    sys.exit(main())
