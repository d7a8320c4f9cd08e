"""The sign-in page: the form, and signing in with it."""

from typing import Annotated

from fastapi import APIRouter, Form, Response
from fastapi.responses import RedirectResponse

from identity_service.api.deps import (
    AccountsDependency,
    ClientAddress,
    Continuation,
    Dependencies,
    SessionCookie,
)
from identity_service.api.pages import (
    SIGNED_IN_PAGE,
    form_route,
    render,
    render_form,
    signed_in_redirect,
)
from identity_service.api.schemas import CredentialsForm
from identity_service.domain import FormTokenMismatchError, SignInFailedError, SignInThrottledError
from identity_service.service import forms
from shopkit.auth import public
from shopkit.openapi import raises

router = APIRouter(tags=["sign-in"], route_class=form_route("sign_in.html"), dependencies=[public])


@router.get("/sign-in")
async def sign_in_page(
    dependencies: Dependencies, session_cookie: SessionCookie, next: Continuation = ""
) -> Response:
    """The sign-in form, bound to the browser's login session."""
    session = await forms.form_session(dependencies.accounts, session_cookie)
    return await render_form("sign_in.html", dependencies, session, continuation=next)


@router.post(
    "/sign-in",
    openapi_extra=raises(FormTokenMismatchError, SignInFailedError, SignInThrottledError),
)
async def sign_in(
    form: Annotated[CredentialsForm, Form()],
    dependencies: Dependencies,
    session_cookie: SessionCookie,
    address: ClientAddress,
) -> Response:
    """Sign in, then continue to the authorization request that asked for it."""
    opened = await forms.sign_in(
        dependencies.accounts, session_cookie, form.csrf_token, form.credentials, address
    )
    return signed_in_redirect(form.next, opened.cookie_value, dependencies)


@router.get(SIGNED_IN_PAGE)
async def signed_in(accounts: AccountsDependency, session_cookie: SessionCookie) -> Response:
    """Who is signed in; the sign-in page for whoever is not."""
    who = await forms.signed_in(accounts, session_cookie)
    if who is None:
        return RedirectResponse("/sign-in", 303)
    return render("signed_in.html", {"email": who.user.email})
