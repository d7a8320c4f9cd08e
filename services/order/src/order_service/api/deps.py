"""FastAPI dependencies of the order API."""

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from order_service.service import Ordering


async def get_ordering(request: Request) -> Ordering:
    ordering: Ordering = request.app.state.ordering
    return ordering


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
