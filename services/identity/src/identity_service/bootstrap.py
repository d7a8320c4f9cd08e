"""The identity service's composition root: its stores, keys, clients and protocol, opened
once at start-up."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from identity_service.adapters.clients import DeclaredClients
from identity_service.adapters.keys import EcKeyFactory
from identity_service.adapters.metrics import IdentityMetrics
from identity_service.adapters.oauth.id_token_hints import PublishedKeyIdTokens
from identity_service.adapters.oauth.server import AuthlibProtocol, ProtocolSettings
from identity_service.adapters.passwords import Argon2Passwords
from identity_service.adapters.secret_files import OwnerOnlyFile
from identity_service.adapters.sql_accounts import (
    SqlSessionStore,
    SqlSignInFailureLog,
    SqlUserRepository,
)
from identity_service.adapters.sql_grants import (
    SqlAuthorizationCodeStore,
    SqlRefreshTokenStore,
    SqlSigningKeyStore,
)
from identity_service.adapters.tables import MIGRATIONS, VERSION_TABLE
from identity_service.config import (
    SERVICE_CLIENTS,
    STOREFRONT_CLIENT_ID,
    STOREFRONT_SCOPES,
    Settings,
)
from identity_service.domain import Client, PasswordPolicy, ThrottlePolicy
from identity_service.ports import AuthorizationProtocol, Clock
from identity_service.service import clients
from identity_service.service.accounts import SignInRules, ensure_local_admin
from identity_service.service.forms import Accounts
from identity_service.service.keys import ensure_signing_key
from identity_service.service.ledger import GrantLifetimes, Ledger
from identity_service.service.logout import Logout
from shopkit.health import HealthCheck
from shopkit.metrics import ServiceMetrics
from shopkit.sql import PoolCollector, create_engine, ping, upgrade_schema
from shopkit.wiring import Bootstrap, Wired

logger = logging.getLogger(__name__)

SECRET_BEARING_LOGGERS = ("authlib", "aiosqlite")
"""At DEBUG, authlib logs every token it issues and aiosqlite every statement's parameters
(keys, session ids): they stay at INFO whatever LOG_LEVEL says."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IdentityDependencies:
    """What the identity service's routes work with."""

    accounts: Accounts
    logout: Logout
    protocol: AuthorizationProtocol
    issuer: str
    secure_cookies: bool
    """Cookies only over HTTPS, when the issuer is served over it."""


def keep_secrets_out_of_logs(engine: AsyncEngine) -> None:
    for name in SECRET_BEARING_LOGGERS:
        logger_ = logging.getLogger(name)
        logger_.setLevel(max(logger_.getEffectiveLevel(), logging.INFO))
    # A failed statement's message quotes its parameters (password hashes, keys) otherwise;
    # shopkit.sql.create_engine has no argument for it yet.
    engine.sync_engine.hide_parameters = True


def key_overlap(settings: Settings) -> timedelta:
    """How long a retired key keeps verifying: the longest a token it signed stays valid."""
    return timedelta(
        seconds=settings.access_token_lifetime_seconds + settings.verifier_leeway_seconds
    )


def configured_secret(
    settings: Settings, client_id: str
) -> tuple[str | None, OwnerOnlyFile | None]:
    """The secret configured for client `client_id`, or the owner-only file it is kept in."""
    secret, file = settings.client_secret_source(client_id)
    return (
        secret.get_secret_value() if secret is not None else None,
        OwnerOnlyFile(file) if file is not None else None,
    )


def declared_clients(settings: Settings) -> DeclaredClients:
    """The storefront (confidential when it has a secret) and every service client that
    has a secret."""
    declared: list[Client] = [
        clients.storefront(
            STOREFRONT_CLIENT_ID,
            settings.storefront_redirect_uris,
            STOREFRONT_SCOPES,
            settings.storefront_post_logout_redirect_uris,
            *configured_secret(settings, STOREFRONT_CLIENT_ID),
        )
    ]
    for service in SERVICE_CLIENTS:
        client = clients.service_client(
            service.client_id,
            service.scope,
            *configured_secret(settings, service.client_id),
            settings.client_roles(service),
        )
        if client is not None:
            declared.append(client)
    return DeclaredClients(declared)


def bootstrap(settings: Settings, clock: Clock = utc_now) -> Bootstrap[IdentityDependencies]:
    """Open the database `settings.database_url` names (migrated unless told not to), make
    the first signing key and the local admin if due, and close the database after."""

    @asynccontextmanager
    async def open_identity(metrics: ServiceMetrics) -> AsyncIterator[Wired[IdentityDependencies]]:
        engine = create_engine(settings.database_url)
        keep_secrets_out_of_logs(engine)
        try:
            if settings.migrate_on_start:
                await upgrade_schema(engine, MIGRATIONS, VERSION_TABLE)
            identity_metrics = IdentityMetrics(metrics.registry)
            metrics.registry.register(PoolCollector(engine, "identity"))
            users = SqlUserRepository(engine)
            passwords = Argon2Passwords()
            keys = SqlSigningKeyStore(engine)
            overlap = key_overlap(settings)
            await ensure_signing_key(keys, EcKeyFactory(), clock, overlap)
            if settings.admin_password_file is not None:
                await ensure_local_admin(
                    users,
                    passwords,
                    OwnerOnlyFile(settings.admin_password_file),
                    settings.admin_email,
                    clock,
                )
            registry = declared_clients(settings)
            sessions = SqlSessionStore(engine)
            ledger = Ledger(
                clients=registry,
                users=users,
                codes=SqlAuthorizationCodeStore(engine),
                refresh_tokens=SqlRefreshTokenStore(engine),
                keys=keys,
                outcomes=identity_metrics,
                clock=clock,
                lifetimes=GrantLifetimes(
                    authorization_code=timedelta(
                        seconds=settings.authorization_code_lifetime_seconds
                    ),
                    refresh_token=timedelta(seconds=settings.refresh_token_lifetime_seconds),
                    key_overlap=overlap,
                ),
            )
            accounts = Accounts(
                users=users,
                sessions=sessions,
                failures=SqlSignInFailureLog(engine),
                passwords=passwords,
                outcomes=identity_metrics,
                password_policy=PasswordPolicy(
                    settings.password_min_length, settings.password_max_length
                ),
                sign_in_rules=sign_in_rules(settings),
                session_lifetime=timedelta(seconds=settings.session_lifetime_seconds),
                clock=clock,
            )
            dependencies = IdentityDependencies(
                accounts=accounts,
                logout=Logout(
                    sessions=sessions,
                    users=users,
                    clients=registry,
                    id_tokens=PublishedKeyIdTokens(settings.issuer, ledger.key_ring, clock),
                    clock=clock,
                ),
                protocol=AuthlibProtocol(ledger, protocol_settings(settings), clock),
                issuer=settings.issuer,
                secure_cookies=settings.issuer.startswith("https://"),
            )
            yield Wired(dependencies, [HealthCheck("db", partial(ping, engine))])
        finally:
            await engine.dispose()

    return open_identity


def protocol_settings(settings: Settings) -> ProtocolSettings:
    return ProtocolSettings(
        issuer=settings.issuer,
        audience=settings.audience,
        access_token_lifetime_seconds=settings.access_token_lifetime_seconds,
        scopes_supported=settings.scopes_supported,
    )


def sign_in_rules(settings: Settings) -> SignInRules:
    window = timedelta(seconds=settings.sign_in_throttle_window_seconds)
    return SignInRules(
        per_account=ThrottlePolicy(settings.sign_in_max_failures_per_account, window),
        per_address=ThrottlePolicy(settings.sign_in_max_failures_per_address, window),
    )
