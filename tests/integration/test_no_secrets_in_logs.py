"""No password, token or secret in any log line: the three services run as the processes
production runs (``python -m``, JSON logs on stdout, here at DEBUG), and their logs are
searched for every credential that an admin's, a customer's and a guest's calls, a refused
token and the order service's own client credentials showed them."""

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

from order_service.bootstrap import RESERVATION_SCOPE
from testkit.issuer import TestIssuer
from testkit.processes import ServiceProcesses

from .platform import ORDER_CLIENT_ID, bearer

SERVICES = ("product", "inventory", "order")
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer().serving() as serving:
        yield serving


def json_lines(log: Path) -> list[str]:
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    for line in lines:
        json.loads(line)  # every line is one JSON object: nothing printed around the logger
    return lines


async def test_no_token_or_secret_appears_in_any_log_line(
    databases: Callable[[str], str], issuer: TestIssuer, tmp_path: Path
) -> None:
    client_secret = issuer.register_client(ORDER_CLIENT_ID, scopes=[RESERVATION_SCOPE])
    admin_token = issuer.mint("log-admin", roles=["admin"])
    customer_token = issuer.mint("log-customer")
    refused_token = issuer.token_forged_for_known_kid("log-intruder", roles=["admin"])
    processes = ServiceProcesses(
        SERVICES,
        log_of=lambda name: tmp_path / f"{name}.log",
        databases={name: databases(name) for name in SERVICES},
        env={
            "AUTH_ISSUER": issuer.url,
            "ORDER_CLIENT_SECRET": client_secret,
            "LOG_LEVEL": "DEBUG",
        },
    )
    with processes:
        processes.start()
        processes.wait_ready()
        guest_secret = await _traffic_with_every_credential(
            processes.urls, admin_token, customer_token, refused_token
        )

    assert issuer.token_requests >= 1, "the order service fetched its own token"
    secrets = {
        "the admin's token": admin_token,
        "the customer's token": customer_token,
        "a refused token": refused_token,
        "a token's signature": customer_token.rsplit(".", 1)[1],
        "the guest secret": guest_secret,
        "the order service's client secret": client_secret,
    }
    logs = {name: json_lines(tmp_path / f"{name}.log") for name in SERVICES}
    assert any("/api/order/create" in line for line in logs["order"]), "the traffic was logged"
    for service, lines in logs.items():
        for line in lines:
            leaked = [what for what, value in secrets.items() if value in line]
            assert not leaked, f"{service} logged {leaked}: {line}"
            assert not JWT.search(line), f"{service} logged a token: {line}"
            assert "bearer " not in line.lower(), f"{service} logged a credential: {line}"


async def _traffic_with_every_credential(
    urls: dict[str, str], admin_token: str, customer_token: str, refused_token: str
) -> str:
    """A product stocked by an admin; a customer's order read, listed and cancelled; a guest's
    order read and cancelled with its secret; a refused token and a wrong secret. Returns the
    guest's secret."""
    admin, customer = bearer(admin_token), bearer(customer_token)
    async with aiohttp.ClientSession() as http:
        product = {"name": "Log Mug", "price": 9.5, "skuCode": "log-mug"}
        async with http.post(
            f"{urls['product']}/api/product/create", json=product, headers=admin
        ) as r:
            assert r.status == 201, await r.text()
        async with http.put(
            f"{urls['inventory']}/api/inventory/log-mug", json={"quantity": 10}, headers=admin
        ) as r:
            assert r.status == 200, await r.text()

        body = {"orderLineItemsDtoList": [{"skuCode": "log-mug", "quantity": 1}]}
        orders = f"{urls['order']}/api/order"
        async with http.post(
            f"{orders}/create", json=body, headers=customer | {"Idempotency-Key": "log-key"}
        ) as r:
            assert r.status == 201, await r.text()
            mine = (await r.json())["orderNumber"]
        for method, url in (
            ("GET", f"{orders}/{mine}"),
            ("GET", orders),
            ("POST", f"{orders}/{mine}/cancel"),
        ):
            async with http.request(method, url, headers=customer) as r:
                assert r.status == 200, await r.text()

        async with http.post(f"{orders}/create", json=body) as r:
            assert r.status == 201, await r.text()
            guest = await r.json()
        holder = {"Order-Secret": guest["guestSecret"]}
        for method, url in (
            ("GET", f"{orders}/{guest['orderNumber']}"),
            ("POST", f"{orders}/{guest['orderNumber']}/cancel"),
        ):
            async with http.request(method, url, headers=holder) as r:
                assert r.status == 200, await r.text()

        async with http.get(orders, headers=bearer(refused_token)) as r:
            assert r.status == 401
        async with http.get(
            f"{orders}/{guest['orderNumber']}",
            headers={"Order-Secret": "not-" + guest["guestSecret"][4:]},
        ) as r:
            assert r.status == 404
    return str(guest["guestSecret"])
