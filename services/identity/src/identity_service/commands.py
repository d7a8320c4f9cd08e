"""The administrative commands: rotate the signing keys, create an admin."""

import asyncio
import sys

from identity_service.adapters.keys import EcKeyFactory
from identity_service.adapters.passwords import Argon2Passwords
from identity_service.adapters.sql_accounts import SqlUserRepository
from identity_service.adapters.sql_grants import SqlSigningKeyStore
from identity_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from identity_service.bootstrap import keep_secrets_out_of_logs, key_overlap, utc_now
from identity_service.config import Settings
from identity_service.domain import EmailTakenError, InvalidEmailError
from identity_service.service import accounts, keys
from shopkit.sql import create_engine, upgrade_schema


async def rotate_keys(settings: Settings) -> str:
    """Sign with a new key from now on; the kid of the new key."""
    engine = create_engine(settings.database_url)
    keep_secrets_out_of_logs(engine)
    try:
        if settings.migrate_on_start:
            await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
        key = await keys.rotate_keys(
            SqlSigningKeyStore(engine), EcKeyFactory(), utc_now, key_overlap(settings)
        )
        return key.kid
    finally:
        await engine.dispose()


async def create_admin(settings: Settings, email: str) -> str:
    """Create the admin `email`; its generated password."""
    engine = create_engine(settings.database_url)
    keep_secrets_out_of_logs(engine)
    try:
        if settings.migrate_on_start:
            await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
        return await accounts.create_admin(
            SqlUserRepository(engine), Argon2Passwords(), email, utc_now
        )
    finally:
        await engine.dispose()


def run_rotate_keys(settings: Settings) -> None:
    kid = asyncio.run(rotate_keys(settings))
    sys.stdout.write(f"signing with key {kid}; the previous keys verify until they expire\n")


def run_create_admin(settings: Settings, email: str) -> int:
    try:
        password = asyncio.run(create_admin(settings, email))
    except (EmailTakenError, InvalidEmailError) as exc:
        sys.stderr.write(f"no admin created: {exc}\n")
        return 1
    # Shown once, on stdout and never through logging: it is not stored anywhere in clear.
    sys.stdout.write(f"admin {email} created; password: {password}\n")
    return 0
