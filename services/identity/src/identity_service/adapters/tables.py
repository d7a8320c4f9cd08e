"""The identity tables, as the migrations create them, and where those migrations live."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects import mysql, sqlite

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version_identity"

DIGEST_LENGTH = 64
"""A SHA-256 in hex: how tokens, codes and session ids are stored."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the column, to the microsecond (MySQL's
    DATETIME drops fractions unless asked: keys rotated in one second would tie)."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give it a timezone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def exact_string(length: int) -> String:
    """Compared byte for byte: MySQL's default collation folds case and accents."""
    return String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


# SQLite has no BIGINT autoincrement: INTEGER PRIMARY KEY is its rowid.
AutoIncrementId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("user_id", String(36), primary_key=True),
    Column("email", exact_string(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(32), primary_key=True),
    Index("ix_user_roles_role", "role"),
)
authorization_codes = Table(
    "authorization_codes",
    metadata,
    Column("code_digest", String(DIGEST_LENGTH), primary_key=True),
    Column("client_id", String(64), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scope", String(512), nullable=False),
    Column("nonce", exact_string(255)),
    Column("code_challenge", String(128)),
    Column("code_challenge_method", String(16)),
    Column("auth_time", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("family_id", String(32), nullable=False),
    Column("redeemed", Boolean, nullable=False),
    Index("ix_authorization_codes_nonce", "client_id", "nonce"),
    Index("ix_authorization_codes_expires_at", "expires_at"),
)
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_digest", String(DIGEST_LENGTH), primary_key=True),
    Column("family_id", String(32), nullable=False, index=True),
    Column("client_id", String(64), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("scope", String(512), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("status", String(16), nullable=False),
)
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_jwk", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime),
)
login_sessions = Table(
    "login_sessions",
    metadata,
    Column("session_digest", String(DIGEST_LENGTH), primary_key=True),
    Column("csrf_token", String(64), nullable=False),
    Column("user_id", String(36)),
    Column("auth_time", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("failure_id", AutoIncrementId, primary_key=True, autoincrement=True),
    Column("throttle_key", String(80), nullable=False),
    Column("failed_at", UtcDateTime, nullable=False, index=True),
    Index("ix_sign_in_failures_key", "throttle_key", "failed_at"),
)
