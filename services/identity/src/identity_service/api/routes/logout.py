"""The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0) and its pages."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Response
from fastapi.responses import RedirectResponse

from identity_service.api.deps import Dependencies, SessionCookie
from identity_service.api.pages import forget_session_cookie, render
from identity_service.api.schemas import LogoutForm, LogoutParameters
from identity_service.domain import FormTokenMismatchError, InvalidLogoutRequestError
from identity_service.service import logout as logout_
from identity_service.service.logout import ConfirmationNeeded, LogoutAsked
from shopkit.auth import public
from shopkit.openapi import raises

router = APIRouter(tags=["logout"], dependencies=[public])

SIGNED_OUT_PAGE = "/signed-out"


@router.get("/logout", openapi_extra=raises(InvalidLogoutRequestError))
async def logout(
    parameters: Annotated[LogoutParameters, Query()],
    dependencies: Dependencies,
    session_cookie: SessionCookie,
) -> Response:
    """End the browser's session and go back to the client's post-logout redirect URI;
    without an ID token of the signed-in user, ask the user first."""
    return await _end_session(dependencies, parameters.asked(), session_cookie)


@router.post("/logout", openapi_extra=raises(InvalidLogoutRequestError, FormTokenMismatchError))
async def logout_form(
    form: Annotated[LogoutForm, Form()],
    dependencies: Dependencies,
    session_cookie: SessionCookie,
) -> Response:
    """The same, posted by a client or confirmed on the sign-out page."""
    return await _end_session(dependencies, form.asked(form.csrf_token), session_cookie)


@router.get(SIGNED_OUT_PAGE)
async def signed_out() -> Response:
    """Where a logout without a post-logout redirect URI ends."""
    return render("signed_out.html", {})


async def _end_session(
    dependencies: Dependencies, asked: LogoutAsked, session_cookie: str | None
) -> Response:
    outcome = await logout_.end_session(dependencies.logout, asked, session_cookie)
    if isinstance(outcome, ConfirmationNeeded):
        request = outcome.request
        return render(
            "sign_out.html",
            {
                "csrf_token": outcome.session.csrf_token,
                "email": outcome.email,
                "client_id": request.client_id or "",
                "post_logout_redirect_uri": request.post_logout_redirect_uri or "",
                "state": request.state or "",
            },
        )
    response = RedirectResponse(outcome.redirect_to or SIGNED_OUT_PAGE, 303)
    if outcome.forget_cookie:
        forget_session_cookie(response, dependencies)
    return response
