"""Request parsing that keeps money exact and JSON unambiguous."""

import json
from collections import Counter
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def _reject_non_finite(constant: str) -> Any:
    raise json.JSONDecodeError(f"{constant} is not a JSON number", constant, 0)


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # RFC 8259 leaves a repeated name's meaning open: parsers disagree on which value wins,
    # so a body that means one thing here could mean another to whatever reads it next.
    parsed = dict(pairs)
    if len(parsed) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        duplicate = next(key for key, _ in pairs if counts[key] > 1)
        raise json.JSONDecodeError(f"duplicate key {duplicate[:64]!r}", duplicate, 0)
    return parsed


class StrictJsonRequest(Request):
    """Refuses a JSON body that is ambiguous: an object that names a key twice, NaN or
    Infinity (json.JSONDecodeError, answered 400 malformed-json)."""

    parse_float: Callable[[str], Any] = float

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(
                await self.body(),
                parse_float=type(self).parse_float,
                parse_constant=_reject_non_finite,
                object_pairs_hook=_object_without_duplicate_keys,
            )
        return self._json


class ExactDecimalRequest(StrictJsonRequest):
    """Also parses JSON numbers with a fraction as Decimal, never float.

    ``19.990000000000000001`` must be rejected as over-precise, not rounded to 19.99
    by a float on the way in; ``{"price": 1, "price": 1000}`` is refused, not read as 1000.
    """

    parse_float = Decimal


class StrictJsonRoute(APIRoute):
    """The route class of every router with JSON bodies: keys unique, numbers finite."""

    request_class: type[StrictJsonRequest] = StrictJsonRequest

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        request_class = self.request_class

        async def strict_json_handler(request: Request) -> Response:
            return await handler(request_class(request.scope, request.receive))

        return strict_json_handler


class ExactDecimalRoute(StrictJsonRoute):
    """Route class for routers whose bodies carry money: as StrictJsonRoute, and exact."""

    request_class = ExactDecimalRequest
