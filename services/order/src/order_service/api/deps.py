"""What the order routes take: the wired use cases, the caller, and the typed parts of a
request."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Path, Query, Request

from order_service.bootstrap import OrderDependencies
from order_service.domain import MAX_SUBJECT_LENGTH, Caller
from order_service.service import Ordering
from shopkit.auth import Anyone, Principal, RejectedTokenError, SignedIn
from shopkit.wiring import dependencies_of

ADMIN_ROLE = "admin"


# Dependencies are `async def`: FastAPI runs a plain `def` one in a worker thread.
async def get_ordering(request: Request) -> Ordering:
    """The use cases' ports, as the service's bootstrap wired them."""
    return dependencies_of(request, OrderDependencies).ordering


OrderingDep = Annotated[Ordering, Depends(get_ordering)]
OrderSecret = Annotated[
    str | None,
    Header(
        alias="Order-Secret",
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The guestSecret a guest order was placed with: it alone reads or cancels "
        "that order. A header, never the query string, which ends up in logs.",
    ),
]


def caller_of(principal: Principal | None, order_secret: str | None = None) -> Caller:
    """The caller as the order rules see them, from a verified token (or none)."""
    if principal is None:
        return Caller(order_secret=order_secret)
    if len(principal.subject) > MAX_SUBJECT_LENGTH:
        raise RejectedTokenError(f"the token's subject is over {MAX_SUBJECT_LENGTH} characters")
    return Caller(
        subject=principal.subject,
        is_admin=ADMIN_ROLE in principal.roles,
        is_service=principal.is_service,
        order_secret=order_secret,
    )


async def _anyone(principal: Anyone) -> Caller:
    return caller_of(principal)


async def _anyone_with_order_secret(principal: Anyone, order_secret: OrderSecret = None) -> Caller:
    return caller_of(principal, order_secret)


async def _signed_in(principal: SignedIn) -> Caller:
    return caller_of(principal)


AnyCaller = Annotated[Caller, Depends(_anyone)]
"""Anyone: a signed-in caller, or a guest."""
OrderCaller = Annotated[Caller, Depends(_anyone_with_order_secret)]
"""Anyone, with the Order-Secret they sent; the use cases decide what they may see."""
SignedInCaller = Annotated[Caller, Depends(_signed_in)]
"""A caller with a valid token."""
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
