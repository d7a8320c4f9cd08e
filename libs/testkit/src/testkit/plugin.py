"""The pytest plugin every shopstack suite loads (see the root conftest.py)."""

from testkit.callers import admin_headers, auth_settings, customer_headers
from testkit.issuer import token_issuer, token_issuer_factory
from testkit.mariadb import mariadb_database_factory
from testkit.mongo import mongo_wire_server

__all__ = [
    "admin_headers",
    "auth_settings",
    "customer_headers",
    "mariadb_database_factory",
    "mongo_wire_server",
    "token_issuer",
    "token_issuer_factory",
]
