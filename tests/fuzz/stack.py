"""What the fuzzer runs against: product, inventory and order on MariaDB, the identity
service, and the gateway in front of the shop, each a real uvicorn server on loopback, all
trusting one test token issuer."""

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

import gateway.config as gateway_config
import gateway.main as gateway_main
import identity_service.config as identity_config
import identity_service.main as identity_main
import inventory_service.config as inventory_config
import inventory_service.main as inventory_main
import order_service.config as order_config
import order_service.main as order_main
import product_service.config as product_config
import product_service.main as product_main
from order_service.bootstrap import RESERVATION_SCOPE
from shopkit.auth import AuthSettings
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread
from testkit.network import free_ports

ORDER_CLIENT_ID = "order-service"
TOKEN_LIFETIME_SECONDS = 3600


@dataclass(frozen=True)
class Stack:
    """The running services (name -> base URL and app) and the callers' access tokens."""

    urls: Mapping[str, str]
    apps: Mapping[str, FastAPI]
    tokens: Mapping[str, str]

    def document(self, service: str) -> dict[str, Any]:
        """The service's OpenAPI document, as its management port serves it."""
        return self.apps[service].openapi()


def tokens_of(issuer: TestIssuer) -> dict[str, str]:
    """A customer's, an admin's, and another service's with the reservation scope."""
    run = secrets.token_hex(4)
    lifetime = TOKEN_LIFETIME_SECONDS
    return {
        "customer": issuer.mint(f"fuzz-customer-{run}", expires_in=lifetime),
        "admin": issuer.mint(f"fuzz-admin-{run}", roles=["admin"], expires_in=lifetime),
        "service": issuer.mint_service(
            "fuzz-service", scopes=[RESERVATION_SCOPE], expires_in=lifetime
        ),
    }


@contextmanager
def running_stack(database_for: Callable[[str], str], data_dir: Path) -> Iterator[Stack]:
    """Start the issuer, the services and the gateway; stop them all at the end."""
    with TestIssuer().serving() as issuer, ExitStack() as servers:
        auth = AuthSettings(issuer=issuer.url)
        product_port, inventory_port, gateway_port, management_port = free_ports(4)
        urls = {
            "product": f"http://127.0.0.1:{product_port}",
            "inventory": f"http://127.0.0.1:{inventory_port}",
        }
        apps: dict[str, FastAPI] = {
            "product": product_main.create_app(
                product_config.Settings(database_url=database_for("product"), auth=auth)
            ),
            "inventory": inventory_main.create_app(
                inventory_config.Settings(database_url=database_for("inventory"), auth=auth)
            ),
        }
        apps["order"] = order_main.create_app(
            order_config.Settings(
                database_url=database_for("order"),
                product_url=urls["product"],
                inventory_url=urls["inventory"],
                auth=auth,
                client_id=ORDER_CLIENT_ID,
                client_secret=issuer.register_client(ORDER_CLIENT_ID, scopes=[RESERVATION_SCOPE]),
            )
        )
        apps["identity"] = identity_main.create_app(
            identity_config.Settings(database_url=f"sqlite+aiosqlite:///{data_dir}/identity.db")
        )
        for name, app in apps.items():
            port = int(urls[name].rsplit(":", 1)[1]) if name in urls else None
            urls[name] = servers.enter_context(serve_in_thread(app, port=port))
        apps["gateway"] = gateway_main.create_app(
            gateway_config.Settings(
                product_url=urls["product"],
                inventory_url=urls["inventory"],
                order_url=urls["order"],
                management_port=management_port,
                public_url=f"http://127.0.0.1:{gateway_port}",
                session_store_url=f"sqlite+aiosqlite:///{data_dir}/gateway-sessions.db",
                # Every fuzzed write comes from one address: at the default limit the
                # fuzzer would mostly meet 429s (documented, but testing nothing else).
                rate_limit_writes="1000000/minute",
                rate_limit_sign_in="1000000/minute",
            )
        )
        urls["gateway"] = servers.enter_context(serve_in_thread(apps["gateway"], gateway_port))
        yield Stack(urls=urls, apps=apps, tokens=tokens_of(issuer))
