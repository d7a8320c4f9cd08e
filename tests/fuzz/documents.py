"""The documents the fuzzer holds each target to: a service's own, or the part of it the
gateway forwards, with the answers the gateway adds in front of it."""

import re
from copy import deepcopy
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import allow_header_conformance, unsupported_method

from gateway.problems import PROBLEMS as GATEWAY_PROBLEMS
from gateway.problems import NonCanonicalPathError, NoSuchRouteError
from gateway.public_routes import PARAMETERS, PUBLIC_API
from shopkit.openapi import TOO_MANY_REQUESTS, answer_of, with_answers

IDENTITY_JSON_API = ("/.well-known/openid-configuration", "/jwks")
"""The identity service's JSON API; its OAuth endpoints and pages answer as their RFCs and
forms say (form bodies and OAuth errors), which tests/e2e and its own tests cover."""

_GATEWAY_ANSWERS = [
    answer_of(problem)
    for problem in GATEWAY_PROBLEMS
    if problem.error in (NoSuchRouteError, NonCanonicalPathError)
]
"""What the gateway answers itself for a path it will not forward: one whose parameters do
not have the shop's shapes (a product id, a SKU, an order number), or in a form a service
could read as another path."""


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


METRICS = "/actuator/prometheus"
"""Prometheus' text exposition, not an API; tests/monitoring holds it to its format."""


def service_document(document: dict[str, Any], service: str) -> dict[str, Any]:
    """The operations a service's own port is fuzzed on."""
    operations = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if path != METRICS
        and (service != "identity" or path in IDENTITY_JSON_API or path.startswith("/actuator"))
    }
    return _only(document, operations)


def gateway_document(document: dict[str, Any], service: str) -> dict[str, Any]:
    """`service`'s public operations as the gateway answers them: only the shapes of path
    parameters it forwards are valid input there."""
    public = {(_template(path), method.lower()) for method, path in PUBLIC_API[service]}
    forwarded = _only(document, public, key=_template)
    names = {_template(path): path for _method, path in PUBLIC_API[service]}
    for path, item in forwarded["paths"].items():
        shapes = re.findall(r"\{([^}]*)\}", names[_template(path)])
        for operation in item.values():
            in_path = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            for parameter, shape in zip(in_path, shapes, strict=True):
                pattern = PARAMETERS[shape].pattern
                parameter["schema"] = {**parameter["schema"], "pattern": f"^(?:{pattern})$"}
    guarded = with_answers(forwarded, _GATEWAY_ANSWERS, methods=("get", "post", "put", "delete"))
    return with_answers(guarded, [TOO_MANY_REQUESTS], methods=("post", "put", "delete"))


def _only(
    document: dict[str, Any], kept: set[tuple[str, str]], key: Any = lambda path: path
) -> dict[str, Any]:
    paths = {
        path: {method: deepcopy(op) for method, op in item.items() if (key(path), method) in kept}
        for path, item in document["paths"].items()
    }
    return {**document, "paths": {path: item for path, item in paths.items() if item}}


def signed_in_as(schema: Any, token: str) -> None:
    """Every request of `schema` carries `token` as its Bearer token; schemathesis knows it
    is the auth, so it also tries each operation without it."""

    @schema.auth(refresh_interval=None)
    class Bearer:
        def get(self, case: schemathesis.Case[Any], context: schemathesis.AuthContext) -> str:
            return token

        def set(
            self, case: schemathesis.Case[Any], data: str, context: schemathesis.AuthContext
        ) -> None:
            case.headers["Authorization"] = f"Bearer {data}"


ALSO_A_PATH_PARAMETER = frozenset(
    {"/api/product/create", "/api/order/create", "/api/inventory/reservations"}
)
"""Paths that another route's template also matches: the reference API's ``/create`` is an id
to ``GET /api/product/{product_id}`` and ``GET /api/order/{orderNumber}``, ``reservations`` a
SKU to ``PUT /api/inventory/{sku_code}`` (each answers it: 404 or 422), so another method
there is that route's to answer (``GET /api/order/create``: 422, not 405), and a 405 rightly
allows that method too; schemathesis reads ``Allow`` against the one template only."""


FUZZ_CONFIG = SchemathesisConfig.from_str(
    """
[checks.negative_data_rejection]
# schemathesis' own list, and what every service's edge refuses before any route reads the
# request (shopkit.limits: 413 body, 414 URL or query, 431 headers): refusals too.
expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428",
    "429", "431", "5xx",
]

# Rules no JSON Schema can state answer a schema-valid request 422, as documented: at most
# 100 SKU codes in all, whether repeated or separated by commas (the schema bounds the values
# and each one's form, not the codes across them); one SKU's lines merged over the line
# limit, or carrying two prices. Everything else must still be accepted there.
[[operations]]
include-path-regex = "^/api/(product|inventory|order/create)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]
"""
)


def excluded_for(case: schemathesis.Case[Any]) -> list[Any]:
    """The checks that do not apply to `case` (see ALSO_A_PATH_PARAMETER)."""
    if case.path in ALSO_A_PATH_PARAMETER:
        return [allow_header_conformance, unsupported_method]
    return []
