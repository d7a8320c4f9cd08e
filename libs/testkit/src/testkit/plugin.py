"""The pytest plugin every shopstack suite loads (see the root conftest.py)."""

from testkit.issuer import token_issuer, token_issuer_factory
from testkit.mariadb import mariadb_database_factory
from testkit.mongo import mongo_wire_server

__all__ = ["mariadb_database_factory", "mongo_wire_server", "token_issuer", "token_issuer_factory"]
