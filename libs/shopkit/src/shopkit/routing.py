"""Request parsing that keeps money exact."""

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def _reject_non_finite(constant: str) -> Any:
    raise json.JSONDecodeError(f"{constant} is not a JSON number", constant, 0)


class ExactDecimalRequest(Request):
    """Parses JSON numbers with a fraction as Decimal, never float.

    ``19.990000000000000001`` must be rejected as over-precise, not rounded to 19.99
    by a float on the way in.
    """

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(
                await self.body(), parse_float=Decimal, parse_constant=_reject_non_finite
            )
        return self._json


class ExactDecimalRoute(APIRoute):
    """Route class for routers whose bodies carry money."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact_decimal_handler(request: Request) -> Response:
            return await handler(ExactDecimalRequest(request.scope, request.receive))

        return exact_decimal_handler
