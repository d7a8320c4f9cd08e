"""What the identity service's routes take: the one typed dependency, and their typed
parameters (the session cookie, the request as the OAuth protocol reads it)."""

from typing import Annotated

from fastapi import Depends, Query, Request
from starlette.datastructures import UploadFile

from identity_service.bootstrap import IdentityDependencies
from identity_service.ports import ProtocolRequest
from identity_service.service.forms import Accounts
from shopkit.errors import Problem
from shopkit.wiring import dependencies_of

SESSION_COOKIE = "identity_session"


# `async def`: FastAPI runs a plain `def` dependency in a worker thread (docs/performance.md).
async def _dependencies(request: Request) -> IdentityDependencies:
    return dependencies_of(request, IdentityDependencies)


Dependencies = Annotated[IdentityDependencies, Depends(_dependencies)]
"""The accounts, the OAuth protocol and the settings the bootstrap wired."""


async def _accounts(dependencies: Dependencies) -> Accounts:
    return dependencies.accounts


AccountsDependency = Annotated[Accounts, Depends(_accounts)]

MAX_COOKIE_VALUE = 128


async def _session_cookie(request: Request) -> str | None:
    value = request.cookies.get(SESSION_COOKIE)
    # Ours are 43 characters; anything else names no session.
    return value if value and len(value) <= MAX_COOKIE_VALUE else None


SessionCookie = Annotated[str | None, Depends(_session_cookie)]
"""The identity service's own login session, if the browser has one."""

Continuation = Annotated[str, Query(alias="next", max_length=4096)]


async def _client_address(request: Request) -> str:
    # uvicorn puts the address a trusted proxy forwarded here (FORWARDED_ALLOW_IPS).
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(_client_address)]


async def _protocol_request(request: Request, dependencies: Dependencies) -> ProtocolRequest:
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        for name, value in (await request.form()).multi_items():
            if isinstance(value, UploadFile):
                raise Problem(400, "malformed-form", "Malformed form", "Send the form URL-encoded.")
            form.append((name, value))
    query = request.url.query
    return ProtocolRequest(
        method=request.method,
        # The issuer's own URL: authlib checks its scheme, and a Host header is the client's.
        url=f"{dependencies.issuer}{request.url.path}" + (f"?{query}" if query else ""),
        headers=dict(request.headers),
        query=tuple(request.query_params.multi_items()),
        form=tuple(form),
    )


OAuthRequest = Annotated[ProtocolRequest, Depends(_protocol_request)]
"""The request as authlib reads it: method, issuer URL, headers, query and form."""
