"""RFC 9457 problem details: every 4xx/5xx answer is ``application/problem+json``."""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Generic, TypeVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:shopstack:problem:"

logger = logging.getLogger(__name__)

E = TypeVar("E", bound=Exception)

BUILTIN_PROBLEM_TYPES = {
    "validation-error": 422,
    "malformed-json": 400,
    "unauthenticated": 401,
    "forbidden": 403,
}
"""The problem types every service answers, before its own catalogue."""


class Problem(Exception):  # noqa: N818 -- RFC 9457 calls it a problem
    """A failure the API answers with a problem+json body.

    `slug` names the problem type (``duplicate-sku``); `extensions` become extra members.
    """

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.headers = headers
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.extensions = extensions


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _no_extensions(exc: Exception) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class ProblemType(Generic[E]):
    """How a domain error is answered: one row of a service's problem catalogue.

    `detail` and `extensions` read the raised error; by default the detail is the error's
    message as a sentence and there are no extra members. `headers` are fixed, or read from
    the error too (a cookie to clear, a computed ``Retry-After``).
    """

    error: type[E]
    status: int
    slug: str
    title: str
    detail: Callable[[E], str] = _sentence
    extensions: Callable[[E], Mapping[str, Any]] = _no_extensions
    headers: Mapping[str, str] | Callable[[E], Mapping[str, str]] | None = field(default=None)

    def problem(self, exc: E) -> Problem:
        """The problem `exc` is answered with."""
        return Problem(
            self.status,
            self.slug,
            self.title,
            self.detail(exc),
            headers=self.headers(exc) if callable(self.headers) else self.headers,
            **self.extensions(exc),
        )


def store_unavailable(error: type[E]) -> ProblemType[E]:
    """How a service answers while its store cannot be reached (restarting, failing over):
    `error` is the driver's, answered 503 to retry, never 500."""
    return ProblemType(
        error,
        503,
        "service-unavailable",
        "Service unavailable",
        # Never the driver's message: it names the server, and the client can do nothing
        # with it.
        detail=lambda exc: "The database is unavailable. Try again shortly.",
        headers={"Retry-After": "1"},
    )


ProblemCatalogue = Sequence[ProblemType[Any]]
"""Every domain error a service answers, declared once (see `install_problem_handlers`)."""


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str,
    type_: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """Build the problem+json response for `request`."""
    body = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    return Response(
        orjson.dumps(body, default=str),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_path(loc: Sequence[int | str]) -> str:
    """("body", "items", 0, "price") -> "items[0].price"."""
    path = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(
        request,
        exc.status,
        exc.title,
        exc.detail,
        PROBLEM_TYPE_PREFIX + exc.slug,
        headers=exc.headers,
        **exc.extensions,
    )


_NOT_JSON = "The request body is not valid JSON."
# FastAPI's own answer to a body it cannot even decode (not UTF-8): malformed JSON too.
_UNDECODABLE_BODY = "There was an error parsing the body"


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    raw_errors = exc.errors()
    malformed = next((error for error in raw_errors if error["type"] == "json_invalid"), None)
    if malformed is not None:
        # The parser's reason ("duplicate key 'price'", "Expecting value") tells a client
        # what to fix; it quotes at most a key of the body, never a value.
        reason = malformed.get("ctx", {}).get("error")
        return problem_response(
            request,
            400,
            "Malformed JSON",
            f"The request body is not valid JSON: {reason}." if reason else _NOT_JSON,
            PROBLEM_TYPE_PREFIX + "malformed-json",
        )
    errors = [
        {
            "field": _field_path(error["loc"]) or error["loc"][0],
            "location": error["loc"][0],
            "message": error["msg"],
            "type": error["type"],
        }
        for error in raw_errors
    ]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return problem_response(
        request,
        422,
        "Invalid request",
        f"Invalid value for: {fields}.",
        PROBLEM_TYPE_PREFIX + "validation-error",
        errors=errors,
    )


def _allowed_methods(request: Request) -> str | None:
    # Starlette's 405 names only the first route on the path; RFC 9110 asks for every
    # method the resource takes, which may be spread over several routes.
    methods = {
        method
        for route in iter_route_contexts(request.app.routes)
        if route.matches(request.scope)[0] is not Match.NONE
        for method in route.methods or ()
    }
    return ", ".join(sorted(methods)) if methods else None


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = (
        exc.detail if exc.detail != phrase else f"{request.method} {request.url.path}: {phrase}."
    )
    if exc.status_code == HTTPStatus.BAD_REQUEST and exc.detail == _UNDECODABLE_BODY:
        return problem_response(
            request, 400, "Malformed JSON", _NOT_JSON, PROBLEM_TYPE_PREFIX + "malformed-json"
        )
    headers = dict(exc.headers or {})
    if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        allowed = _allowed_methods(request)
        if allowed is not None:
            headers["Allow"] = allowed
    return problem_response(request, exc.status_code, phrase, str(detail), headers=headers)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(
        request, 500, "Internal Server Error", "The server failed to handle this request."
    )


def _catalogued_handler(
    problem_type: ProblemType[Any],
) -> Callable[[Request, Exception], Any]:
    async def on_error(request: Request, exc: Exception) -> Response:
        return await _on_problem(request, problem_type.problem(exc))

    return on_error


def install_problem_handlers(app: FastAPI, catalogue: Iterable[ProblemType[Any]] = ()) -> None:
    """Make every error the app can raise answer problem+json.

    `catalogue` maps the service's domain errors to their answers, so routes raise nothing
    of HTTP and show only the happy path.
    """
    app.add_exception_handler(Problem, _on_problem)
    for problem_type in catalogue:
        app.add_exception_handler(problem_type.error, _catalogued_handler(problem_type))
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
