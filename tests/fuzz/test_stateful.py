"""Sequences of calls along the documents' OpenAPI links: a product created is then read,
an order placed is then read and cancelled, directly and through the gateway, and every
answer on the way is still the documented one."""

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from .documents import FUZZ_CONFIG, excluded_for, gateway_document, signed_in_as
from .stack import Stack

SKU = "fuzz-stateful-sku"
STOCK = 900_000_000
"""Enough for every order the runs can place: none is refused for want of stock."""

STATEFUL = settings(
    max_examples=8,
    stateful_step_count=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Scenario:
    """Which service's links are followed, as whom, and through which entry."""

    service: str
    caller: str
    via: str

    def __str__(self) -> str:
        return f"{self.via}-{self.service}-{self.caller}"


SCENARIOS = [
    Scenario(service, caller, via)
    for service, caller in (("product", "admin"), ("order", "customer"), ("order", "admin"))
    for via in ("direct", "gateway")
]


@pytest.fixture(scope="module")
def stocked_sku(stack: Stack) -> str:
    """One product in the catalog with plenty of stock, so placed orders are CONFIRMED."""
    admin = {"Authorization": f"Bearer {stack.tokens['admin']}"}
    product: dict[str, Any] = {"name": SKU, "description": "", "price": 10.0, "skuCode": SKU}
    created = requests.post(
        stack.urls["product"] + "/api/product/create", json=product, headers=admin, timeout=10
    )
    assert created.status_code in (201, 409), created.text
    stocked = requests.put(
        stack.urls["inventory"] + f"/api/inventory/{SKU}",
        json={"quantity": STOCK},
        headers=admin,
        timeout=10,
    )
    assert stocked.status_code == 200, stocked.text
    return SKU


def ordering_only(document: dict[str, Any], sku: str) -> dict[str, Any]:
    """The order document with order lines for the stocked SKU only: the links from a placed
    order are what this run follows, and an unknown SKU places none."""
    narrowed = deepcopy(document)
    line = narrowed["components"]["schemas"]["OrderLineRequest"]
    line["properties"]["skuCode"] = {"type": "string", "enum": [sku]}
    line["properties"].pop("price", None)
    return narrowed


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_linked_calls_answer_as_documented(
    stack: Stack, stocked_sku: str, scenario: Scenario
) -> None:
    document = stack.document(scenario.service)
    if scenario.service == "order":
        document = ordering_only(document, stocked_sku)
    if scenario.via == "gateway":
        document = gateway_document(document, scenario.service)
    schema = schemathesis.openapi.from_dict(document, config=FUZZ_CONFIG)
    signed_in_as(schema, stack.tokens[scenario.caller])
    base_url = stack.urls["gateway" if scenario.via == "gateway" else scenario.service]

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"base_url": base_url}

        def validate_response(
            self,
            response: schemathesis.Response,
            case: schemathesis.Case[Any],
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response,
                excluded_checks=excluded_for(case),
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Machine.run(settings=STATEFUL)
