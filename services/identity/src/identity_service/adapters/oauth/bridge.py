"""Calls from authlib's worker thread into the async identity service on the event loop."""

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, TypeVarTuple

import anyio.from_thread

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


def on_loop(function: Callable[[*Ts], Coroutine[Any, Any, T]], *args: *Ts) -> T:
    """Run the coroutine function on the event loop that started this worker thread."""
    return anyio.from_thread.run(function, *args)
