"""The sign-up page: a new customer account, signed in at once."""

from typing import Annotated

from fastapi import APIRouter, Form, Response

from identity_service.api.deps import Continuation, Dependencies, SessionCookie
from identity_service.api.pages import form_route, render_form, signed_in_redirect
from identity_service.api.schemas import CredentialsForm
from identity_service.domain import (
    EmailTakenError,
    FormTokenMismatchError,
    InvalidEmailError,
    PasswordTooLongError,
    PasswordTooShortError,
)
from identity_service.service import forms
from shopkit.auth import public
from shopkit.openapi import raises

router = APIRouter(tags=["sign-up"], route_class=form_route("sign_up.html"), dependencies=[public])


@router.get("/sign-up")
async def sign_up_page(
    dependencies: Dependencies, session_cookie: SessionCookie, next: Continuation = ""
) -> Response:
    """The sign-up form, bound to the browser's login session."""
    session = await forms.form_session(dependencies.accounts, session_cookie)
    return await render_form("sign_up.html", dependencies, session, continuation=next)


@router.post(
    "/sign-up",
    openapi_extra=raises(
        FormTokenMismatchError,
        InvalidEmailError,
        PasswordTooShortError,
        PasswordTooLongError,
        EmailTakenError,
    ),
)
async def sign_up(
    form: Annotated[CredentialsForm, Form()],
    dependencies: Dependencies,
    session_cookie: SessionCookie,
) -> Response:
    """Register as a customer, signed in, and continue where sign-up was asked for."""
    opened = await forms.sign_up(
        dependencies.accounts, session_cookie, form.csrf_token, form.credentials
    )
    return signed_in_redirect(form.next, opened.cookie_value, dependencies)
