"""A service's typed object graph: built once by its bootstrap, read by its routes."""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.requests import Request

from shopkit.health import HealthCheck
from shopkit.metrics import ServiceMetrics

T = TypeVar("T")

WIRED_STATE_KEY = "shopkit_wired"
"""The one key in the lifespan state; read only through `wired_of` and `dependencies_of`."""


@dataclass(frozen=True)
class Wired(Generic[T]):
    """What a service's bootstrap built: the graph its routes use, and its health checks."""

    dependencies: T
    health_checks: Sequence[HealthCheck] = ()


Bootstrap = Callable[[ServiceMetrics], AbstractAsyncContextManager[Wired[T]]]
"""Opens a service's stores and clients, yields what it built, and closes them after."""


def wired_of(request: Request) -> Wired[Any]:
    """What the running app's bootstrap built."""
    wired: Wired[Any] = getattr(request.state, WIRED_STATE_KEY)
    return wired


def dependencies_of(request: Request, kind: type[T]) -> T:
    """The running app's object graph, checked to be the `kind` its service declares."""
    dependencies = wired_of(request).dependencies
    if not isinstance(dependencies, kind):
        raise TypeError(f"the app was wired with {type(dependencies).__name__}, not {kind}")
    return dependencies
