"""What the order routes take: the wired use cases, and the typed parts of a request."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Path, Query, Request

from order_service.bootstrap import OrderDependencies
from order_service.service import Ordering
from shopkit.wiring import dependencies_of


# Dependencies are `async def`: FastAPI runs a plain `def` one in a worker thread.
async def get_ordering(request: Request) -> Ordering:
    """The use cases' ports, as the service's bootstrap wired them."""
    return dependencies_of(request, OrderDependencies).ordering


OrderingDep = Annotated[Ordering, Depends(get_ordering)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Retries with the same key and body return the first order.",
    ),
]
Page = Annotated[int, Query(ge=0, le=1_000_000, description="Page number, from 0")]
Size = Annotated[int, Query(ge=1, le=100, description="Orders per page")]
OrderNumber = Annotated[UUID, Path(alias="orderNumber")]
