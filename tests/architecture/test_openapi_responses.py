"""Each service's OpenAPI document tells the truth about its errors: every problem its
catalogue can raise is documented on a route, and no route documents a problem that nothing
answers. The fuzz suite (tests/fuzz) then holds every answer to these documents."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI

import identity_service.config as identity_config
import identity_service.main as identity_main
import inventory_service.config as inventory_config
import inventory_service.main as inventory_main
import order_service.config as order_config
import order_service.main as order_main
import product_service.config as product_config
import product_service.main as product_main
from identity_service.api.problems import PROBLEMS as IDENTITY
from inventory_service.api.problems import PROBLEMS as INVENTORY
from order_service.api.problems import PROBLEMS as ORDER
from product_service.api.problems import PROBLEMS as PRODUCT
from shopkit.auth import AUTH_PROBLEMS
from shopkit.errors import BUILTIN_PROBLEM_TYPES, PROBLEM_JSON, PROBLEM_TYPE_PREFIX, ProblemType
from shopkit.openapi import ABOUT_BLANK, EDGE_LIMITS

SERVICES: dict[str, tuple[Callable[[Path], FastAPI], list[ProblemType[Any]]]] = {
    "product": (
        lambda d: product_main.create_app(
            product_config.Settings(database_url=f"sqlite+aiosqlite:///{d}/product.db")
        ),
        list(PRODUCT),
    ),
    "inventory": (
        lambda d: inventory_main.create_app(
            inventory_config.Settings(database_url=f"sqlite+aiosqlite:///{d}/inventory.db")
        ),
        list(INVENTORY),
    ),
    "order": (
        lambda d: order_main.create_app(
            order_config.Settings(database_url=f"sqlite+aiosqlite:///{d}/order.db")
        ),
        list(ORDER),
    ),
    "identity": (lambda d: identity_main.create_app(identity_config.Settings()), list(IDENTITY)),
}
ANSWERED_EVERYWHERE = {
    **BUILTIN_PROBLEM_TYPES,
    **{answer.slug: answer.status for answer in EDGE_LIMITS},
}
"""Problem types every service answers, before its own catalogue."""

Documented = set[tuple[str, int]]


@pytest.fixture(params=sorted(SERVICES))
def service(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def document(service: str, tmp_path: Path) -> dict[str, Any]:
    build, _catalogue = SERVICES[service]
    return build(tmp_path).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def documented_problems(document: dict[str, Any]) -> Documented:
    """(slug, status) of every problem type any operation documents."""
    return {
        (kind["type"].removeprefix(PROBLEM_TYPE_PREFIX), int(status))
        for _method, _path, operation in operations(document)
        for status, response in operation["responses"].items()
        for kind in response.get("x-problem-types", [])
    }


def test_every_catalogued_problem_is_documented_on_some_route(
    service: str, document: dict[str, Any]
) -> None:
    _build, catalogue = SERVICES[service]
    catalogued = {(problem.slug, problem.status) for problem in catalogue}

    assert catalogued - documented_problems(document) == set()


def test_every_documented_problem_is_one_the_service_answers(
    service: str, document: dict[str, Any]
) -> None:
    _build, catalogue = SERVICES[service]
    answered = {(problem.slug, problem.status) for problem in [*AUTH_PROBLEMS, *catalogue]}
    answered |= set(ANSWERED_EVERYWHERE.items()) | {(ABOUT_BLANK, 404)}

    assert documented_problems(document) - answered == set()


def test_every_error_status_is_answered_as_problem_json_with_its_types(
    document: dict[str, Any],
) -> None:
    undocumented = [
        f"{method} {path} {status}"
        for method, path, operation in operations(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and (PROBLEM_JSON not in response.get("content", {}) or not response["x-problem-types"])
    ]

    assert undocumented == []


def test_routes_that_need_a_token_document_401_with_its_challenge(
    document: dict[str, Any],
) -> None:
    for method, path, operation in operations(document):
        if {"HTTPBearer": []} in operation.get("security", []):
            unauthenticated = operation["responses"]["401"]
            assert unauthenticated["headers"]["WWW-Authenticate"]["required"], (method, path)


def test_overload_and_throttling_answers_document_retry_after(
    document: dict[str, Any],
) -> None:
    for method, path, operation in operations(document):
        for status in ("429", "503"):
            if status in operation["responses"]:
                headers = operation["responses"][status]["headers"]
                assert "Retry-After" in headers, (method, path, status)


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    schemathesis.openapi.from_dict(document).validate()
