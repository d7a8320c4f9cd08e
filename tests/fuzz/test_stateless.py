"""Every operation of every service, and of the shop through the gateway, answers only as
its OpenAPI document says, to anonymous callers, customers and admins alike: no 5xx, no
undocumented status, header, content type or body, valid input accepted, invalid refused."""

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .documents import FUZZ_CONFIG, excluded_for, gateway_document, service_document, signed_in_as
from .stack import Stack


@dataclass(frozen=True)
class Target:
    """Who calls which service, directly or through the gateway."""

    via: str
    service: str
    caller: str

    @property
    def entry(self) -> str:
        """The service the requests are sent to."""
        return "gateway" if self.via == "gateway" else self.service

    def __str__(self) -> str:
        return f"{self.via}-{self.service}-{self.caller}"


CALLERS = ("anonymous", "customer", "admin")
TARGETS = [
    *(
        Target(via, service, caller)
        for via, service in [
            *(("direct", service) for service in ("product", "inventory", "order", "identity")),
            *(("gateway", service) for service in ("product", "inventory", "order")),
        ]
        for caller in CALLERS
    ),
    # The reservations API is for other services only.
    Target("direct", "inventory", "service"),
]

FUZZ = settings(
    # Bounded so the suite stays within its CI budget; derandomized so a failure repeats.
    max_examples=20,
    derandomize=True,
    deadline=None,
    # Nothing written into the repository: no example database.
    database=None,
    # The stack is session-scoped on purpose: one platform for every operation.
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(params=TARGETS, ids=str)
def target(request: pytest.FixtureRequest) -> Target:
    assert isinstance(request.param, Target)
    return request.param


@pytest.fixture
def api_schema(stack: Stack, target: Target) -> Any:
    document = stack.document(target.service)
    if target.via == "direct":
        schema = schemathesis.openapi.from_dict(
            service_document(document, target.service), config=FUZZ_CONFIG
        )
    else:
        schema = schemathesis.openapi.from_dict(
            gateway_document(document, target.service), config=FUZZ_CONFIG
        )
    if target.caller in stack.tokens:
        signed_in_as(schema, stack.tokens[target.caller])
    return schema


api = schemathesis.pytest.from_fixture("api_schema")


@api.parametrize()
@FUZZ
def test_every_answer_is_the_documented_one(
    case: schemathesis.Case[Any], stack: Stack, target: Target
) -> None:
    case.call_and_validate(base_url=stack.urls[target.entry], excluded_checks=excluded_for(case))
