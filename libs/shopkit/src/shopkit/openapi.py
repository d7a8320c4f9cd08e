"""The OpenAPI document tells the truth: every answer a route can give is documented.

A route names the domain errors its use case can raise once, with ``openapi_extra=raises(...)``;
`document_responses` turns them, the route's access declaration and the answers every service
gives at its edge (validation, malformed JSON, size limits, timeouts, overload) into one
problem+json response per status, each with the problem types it can carry and their headers.
"""

from collections.abc import Iterable, Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from shopkit.auth import checked_elsewhere, public, signed_in
from shopkit.auth.access import AccessDeclaration
from shopkit.errors import PROBLEM_JSON, PROBLEM_TYPE_PREFIX, ProblemType
from shopkit.limits import EDGE_PROBLEMS

RAISES = "x-shopstack-raises"
"""The operation member `raises` writes; consumed (and removed) by `document_responses`."""

PROBLEM_SCHEMA = "Problem"
FIELD_ERROR_SCHEMA = "FieldError"
ABOUT_BLANK = "about:blank"
"""The type of plain HTTP errors (RFC 9457 section 4.2.1): an unknown path below a route's
path parameters answers 404 with it."""


@dataclass(frozen=True)
class Answer:
    """One problem type a route can answer: its status, slug, title and headers."""

    status: int
    slug: str
    title: str
    headers: frozenset[str] = frozenset()

    @property
    def type_uri(self) -> str:
        """The problem's ``type`` member."""
        return ABOUT_BLANK if self.slug == ABOUT_BLANK else PROBLEM_TYPE_PREFIX + self.slug


RETRY_AFTER = frozenset({"Retry-After"})
CHALLENGE = frozenset({"WWW-Authenticate"})

VALIDATION = Answer(422, "validation-error", "Invalid request")
MALFORMED_JSON = Answer(400, "malformed-json", "Malformed JSON")
UNAUTHENTICATED = Answer(401, "unauthenticated", "Unauthenticated", CHALLENGE)
FORBIDDEN = Answer(403, "forbidden", "Forbidden", CHALLENGE)
NOT_FOUND = Answer(404, ABOUT_BLANK, "Not Found")
EDGE_LIMITS = tuple(
    Answer(status, slug, title, RETRY_AFTER if status == 503 else frozenset())
    for status, (slug, title) in EDGE_PROBLEMS.items()
)
"""What shopkit.limits answers at every service's edge, whatever the route."""
TOO_MANY_REQUESTS = Answer(429, "too-many-requests", "Too many requests", RETRY_AFTER)
"""The gateway's rate limit on writes and sign-in; see `with_answers` for its documents."""

# Headers whose value a problem type computes from the error, so its row cannot name them.
_HEADERS_BY_STATUS: Mapping[int, frozenset[str]] = {429: RETRY_AFTER, 503: RETRY_AFTER}
_HEADER_SCHEMAS: Mapping[str, Mapping[str, Any]] = {
    "Retry-After": {
        "description": "Seconds to wait before trying again (RFC 9110 section 10.2.3).",
        "schema": {"type": "string", "pattern": r"^\d+$"},
    },
    "WWW-Authenticate": {
        "description": "How to authenticate (RFC 9110 section 11.6.1, RFC 6750).",
        "schema": {"type": "string", "minLength": 1},
    },
}


def raises(*errors: type[Exception]) -> dict[str, Any]:
    """``openapi_extra`` for a route whose use case can raise `errors` (each in the catalogue)."""
    return {RAISES: [_name(error) for error in errors]}


def answer_of(problem_type: ProblemType[Any]) -> Answer:
    """How a catalogued problem type is documented."""
    fixed = problem_type.headers if isinstance(problem_type.headers, Mapping) else {}
    headers = frozenset(fixed) | _HEADERS_BY_STATUS.get(problem_type.status, frozenset())
    return Answer(problem_type.status, problem_type.slug, problem_type.title, headers)


def document_responses(app: FastAPI, catalogue: Iterable[ProblemType[Any]]) -> None:
    """Document each route's problem answers in the app's OpenAPI document.

    Raises LookupError at once if a route names an error the catalogue does not answer.
    """
    answers = {_name(problem_type.error): answer_of(problem_type) for problem_type in catalogue}
    routes = _route_facts(app)
    unknown = sorted({name for facts in routes.values() for name in facts.raises} - set(answers))
    if unknown:
        raise LookupError(f"routes raise errors that are not in the catalogue: {unknown}")
    generate = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        schema = generate()
        if not documented or documented[0] is not schema:
            _document(schema, routes, answers)
            documented[:] = [schema]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_answers(
    schema: Mapping[str, Any], extra: Iterable[Answer], methods: Iterable[str]
) -> dict[str, Any]:
    """A copy of a documented `schema` whose operations of `methods` can also answer `extra`
    (what a proxy in front of the service adds, such as the gateway's rate limit)."""
    copy: dict[str, Any] = deepcopy(dict(schema))
    wanted = {method.lower() for method in methods}
    for _path, method, operation in _operations(copy):
        if method in wanted:
            known = _documented_answers(operation)
            _write_responses(operation, [*known, *extra])
    return copy


@dataclass
class _RouteFacts:
    """What decides a route's answers beyond its success: who may call it, what it raises."""

    access: set[str] = field(default_factory=set)
    raises: list[str] = field(default_factory=list)


def _name(error: type[Exception]) -> str:
    return f"{error.__module__}:{error.__qualname__}"


def _route_facts(app: FastAPI) -> dict[tuple[str, str], _RouteFacts]:
    facts: dict[tuple[str, str], _RouteFacts] = {}
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or context.path_format is None:
            continue
        extra = context.openapi_extra or {}
        for method in context.methods or ():
            facts[(context.path_format, method.lower())] = _RouteFacts(
                access=set(_access_kinds(context.dependant)), raises=list(extra.get(RAISES, []))
            )
    return facts


def _access_kinds(dependant: Dependant) -> Iterator[str]:
    for dependency in dependant.dependencies:
        call = dependency.call
        if isinstance(call, AccessDeclaration):
            if call is public.dependency:
                yield "public"
            elif call is checked_elsewhere.dependency:
                yield "elsewhere"
            elif call is signed_in.dependency:
                yield "signed-in"
            else:
                yield "privileged"
        yield from _access_kinds(dependency)


def _operations(schema: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def _document(
    schema: dict[str, Any],
    routes: Mapping[tuple[str, str], _RouteFacts],
    answers: Mapping[str, Answer],
) -> None:
    for path, method, operation in _operations(schema):
        operation.pop(RAISES, None)
        facts = routes.get((path, method), _RouteFacts())
        _write_responses(operation, list(_answers_of(path, operation, facts, answers)))
        if facts.access == {"public"}:
            # Anyone may call: the token is optional, but one that is sent must be valid.
            operation["security"] = [{}, *operation.get("security", [])]
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    for generated in ("HTTPValidationError", "ValidationError"):
        schemas.pop(generated, None)
    schemas.update(_problem_schemas())


def _answers_of(
    path: str, operation: Mapping[str, Any], facts: _RouteFacts, answers: Mapping[str, Answer]
) -> Iterator[Answer]:
    yield from EDGE_LIMITS
    if operation.get("parameters") or operation.get("requestBody"):
        yield VALIDATION
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        yield MALFORMED_JSON
    if "{" in path:
        yield NOT_FOUND
    kinds = facts.access - {"elsewhere"}
    if kinds:
        yield UNAUTHENTICATED
    if "privileged" in kinds:
        yield FORBIDDEN
    yield from (answers[name] for name in facts.raises)


def _write_responses(operation: dict[str, Any], answers: Iterable[Answer]) -> None:
    by_status: dict[int, dict[str, Answer]] = {}
    for answer in answers:
        by_status.setdefault(answer.status, {})[answer.slug] = answer
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, of_status in sorted(by_status.items()):
        kinds = sorted(of_status.values(), key=lambda a: a.slug)
        every = frozenset.intersection(*(a.headers for a in kinds))
        headers = {
            name: {**_HEADER_SCHEMAS[name], "required": name in every}
            for name in sorted(frozenset().union(*(a.headers for a in kinds)))
        }
        # A route's own body for the status stays (a health check's DOWN); FastAPI's default
        # 422 body is not what the problem handlers answer.
        kept = {
            media_type: content
            for media_type, content in responses.get(str(status), {}).get("content", {}).items()
            if media_type != PROBLEM_JSON and "HTTPValidationError" not in str(content)
        }
        responses[str(status)] = {
            "description": "; ".join(dict.fromkeys(a.title for a in kinds)),
            "content": {**kept, PROBLEM_JSON: {"schema": _problem_of(status, kinds)}},
            **({"headers": headers} if headers else {}),
            "x-problem-types": [
                {"type": a.type_uri, "title": a.title, "headers": sorted(a.headers)} for a in kinds
            ],
        }
    operation["responses"] = dict(sorted(responses.items()))


def _documented_answers(operation: Mapping[str, Any]) -> Iterator[Answer]:
    for status, response in operation.get("responses", {}).items():
        for kind in response.get("x-problem-types", []):
            slug = kind["type"].removeprefix(PROBLEM_TYPE_PREFIX)
            yield Answer(int(status), slug, kind["title"], frozenset(kind["headers"]))


def _problem_of(status: int, kinds: Iterable[Answer]) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"},
            {
                "properties": {
                    "type": {"enum": [a.type_uri for a in kinds]},
                    "status": {"const": status},
                }
            },
        ]
    }


def _problem_schemas() -> dict[str, Any]:
    return {
        PROBLEM_SCHEMA: {
            "type": "object",
            "description": "Problem details (RFC 9457); extension members as the type says.",
            "required": ["type", "title", "status", "detail", "instance"],
            "properties": {
                "type": {"type": "string", "format": "uri-reference"},
                "title": {"type": "string"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
                "errors": {
                    "type": "array",
                    "description": "With validation-error: each invalid part of the request.",
                    "items": {"$ref": f"#/components/schemas/{FIELD_ERROR_SCHEMA}"},
                },
            },
        },
        FIELD_ERROR_SCHEMA: {
            "type": "object",
            "required": ["field", "location", "message", "type"],
            "properties": {
                "field": {"type": "string"},
                "location": {
                    "type": "string",
                    "enum": ["body", "query", "path", "header", "cookie"],
                },
                "message": {"type": "string"},
                "type": {"type": "string"},
            },
        },
    }
