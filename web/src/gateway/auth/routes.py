"""/auth: sign-in, sign-up, the callback, who is signed in, and sign-out.

The browser only ever holds two HttpOnly cookies (cookies.py); the tokens stay in the
session store. Each route declares who may call it: the sign-in steps are for anyone.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from gateway.auth.schemas import Me, SignedOut
from gateway.auth.service import Callback
from gateway.deps import BrowserSession, Gateway, rate_limited_sign_in, rate_limited_writes
from gateway.public_origin import redirect_to_public_url
from shopkit.auth import public

router = APIRouter(prefix="/auth", tags=["sign-in"], dependencies=[public])

NO_STORE = "no-store"
ReturnTo = Annotated[str | None, Query(alias="returnTo", max_length=2048)]
CallbackParameter = Annotated[str | None, Query(max_length=4096)]


@router.get("/login", dependencies=[rate_limited_sign_in])
async def sign_in(request: Request, gateway: Gateway, return_to: ReturnTo = None) -> Response:
    """To the issuer's sign-in, then back to `returnTo` (a path of this shop)."""
    return await _to_issuer(request, gateway, return_to, sign_up=False)


@router.get("/sign-up", dependencies=[rate_limited_sign_in])
async def sign_up(request: Request, gateway: Gateway, return_to: ReturnTo = None) -> Response:
    """To the issuer's sign-up form (``prompt=create``), then back to `returnTo`."""
    return await _to_issuer(request, gateway, return_to, sign_up=True)


async def _to_issuer(
    request: Request, gateway: Gateway, return_to: str | None, *, sign_up: bool
) -> Response:
    # The callback comes back to the public URL: the login cookie must be set there.
    elsewhere = redirect_to_public_url(request, gateway.settings.public_url)
    if elsewhere is not None:
        return elsewhere
    accounts = gateway.accounts
    started = await accounts.start_sign_in(return_to, sign_up=sign_up)
    response = _redirect(started.authorization_url)
    response.headers.append(
        "set-cookie",
        accounts.cookies.set_sign_in(started.sign_in_cookie, accounts.sign_in_timeout_seconds),
    )
    return response


@router.get("/callback", dependencies=[rate_limited_sign_in])
async def callback(
    request: Request,
    gateway: Gateway,
    code: CallbackParameter = None,
    state: CallbackParameter = None,
    error: CallbackParameter = None,
) -> Response:
    """The issuer's answer: a new session for the signed-in user, and back where they were."""
    accounts = gateway.accounts
    cookies = accounts.cookies
    opened = await accounts.complete_sign_in(
        cookies.sign_in_of(request.cookies),
        Callback(code=code, state=state, error=error),
        previous_session=cookies.session_of(request.cookies),
    )
    response = _redirect(opened.return_to)
    response.headers.append("set-cookie", cookies.clear_sign_in())
    response.headers.append(
        "set-cookie",
        cookies.set_session(opened.session_cookie, int(accounts.lifetimes.absolute_seconds)),
    )
    return response


@router.get("/me", response_model_exclude_none=True)
async def me(lookup: BrowserSession, gateway: Gateway, response: Response) -> Me:
    """Who is signed in in this browser, and the CSRF token its writes carry."""
    response.headers["cache-control"] = NO_STORE
    if lookup.stale:
        response.headers.append("set-cookie", gateway.accounts.cookies.clear_session())
    session = lookup.session
    if session is None:
        return Me(signed_in=False)
    return Me(
        signed_in=True,
        subject=session.user.subject,
        email=session.user.email,
        roles=session.user.roles,
        csrf_token=session.csrf_token,
    )


@router.post("/logout", dependencies=[rate_limited_writes])
async def sign_out(lookup: BrowserSession, gateway: Gateway, response: Response) -> SignedOut:
    """End this browser's session and revoke its refresh token; the page then goes to
    `redirectTo`, where the issuer ends its own session (RP-initiated logout)."""
    accounts = gateway.accounts
    redirect_to = await accounts.sign_out(lookup.session, lookup.cookie)
    response.headers["cache-control"] = NO_STORE
    response.headers.append("set-cookie", accounts.cookies.clear_session())
    return SignedOut(redirect_to=redirect_to)


def _redirect(location: str) -> Response:
    return RedirectResponse(location, 303, headers={"cache-control": NO_STORE})
