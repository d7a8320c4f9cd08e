"""The server-rendered pages: jinja2 (autoescaped), strict security headers, the session
cookie, and the form shown again with its error when a domain error ends a form post."""

from collections.abc import Callable, Coroutine, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse

from identity_service.api.deps import SESSION_COOKIE
from identity_service.api.problems import PROBLEMS
from identity_service.bootstrap import IdentityDependencies
from identity_service.domain import continuation_is_safe
from identity_service.service import forms
from identity_service.service.authorization import Interaction
from identity_service.service.forms import FormSession
from shopkit.errors import Problem
from shopkit.wiring import dependencies_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)

SECURITY_HEADERS = {
    # No script and no inline style anywhere: everything comes from this origin's files.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # The pages carry CSRF tokens: never from a cache.
    "Cache-Control": "no-store",
}

SIGNED_IN_PAGE = "/signed-in"


def render(
    template: str,
    context: Mapping[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """`template` rendered with `context`, sent with the pages' security headers."""
    html = environment.get_template(template).render(**context)
    return HTMLResponse(html, status_code, headers={**SECURITY_HEADERS, **(headers or {})})


def set_session_cookie(
    response: Response, cookie_value: str, dependencies: IdentityDependencies, max_age: int
) -> None:
    """The login session cookie: HttpOnly (no script reads it), SameSite=Lax (no cross-site
    form posts it), Secure whenever the issuer is on HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        cookie_value,
        max_age=max_age,
        path="/",
        secure=dependencies.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def forget_session_cookie(response: Response, dependencies: IdentityDependencies) -> None:
    """Remove the login session cookie (with the attributes it was set with)."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=dependencies.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def signed_in_redirect(
    target: str, cookie_value: str, dependencies: IdentityDependencies
) -> RedirectResponse:
    """After sign-in or sign-up: the new login session's cookie, and back into the
    authorization request that asked for it (or the signed-in page)."""
    response = RedirectResponse(target if continuation_is_safe(target) else SIGNED_IN_PAGE, 303)
    set_session_cookie(
        response,
        cookie_value,
        dependencies,
        int(dependencies.accounts.session_lifetime.total_seconds()),
    )
    return response


def interaction_url(
    interaction: Interaction, authorization_query: Iterable[tuple[str, str]]
) -> str:
    """The sign-in or sign-up page, continuing to the authorization request without its
    ``prompt``: the user is about to sign in (prompt=login) or up (prompt=create), and the
    request asked for nothing more."""
    kept = [(name, value) for name, value in authorization_query if name != "prompt"]
    return f"/{interaction}?" + urlencode({"next": f"/authorize?{urlencode(kept)}"})


async def render_form(
    template: str,
    dependencies: IdentityDependencies,
    form_session: FormSession,
    *,
    email: str = "",
    continuation: str = "",
    problem: Problem | None = None,
) -> HTMLResponse:
    """A sign-in or sign-up form in `form_session`, with the problem that sent it back."""
    response = render(
        template,
        {
            "csrf_token": form_session.session.csrf_token,
            "email": email,
            "next": continuation if continuation_is_safe(continuation) else "",
            "problem": problem,
            "password_min_length": dependencies.accounts.password_policy.min_length,
        },
        problem.status if problem else 200,
        problem.headers if problem else None,
    )
    if form_session.new_cookie_value is not None:
        set_session_cookie(
            response,
            form_session.new_cookie_value,
            dependencies,
            int(
                (form_session.session.expires_at - form_session.session.created_at).total_seconds()
            ),
        )
    return response


def _problem_of(exc: Exception) -> Problem | None:
    if isinstance(exc, RequestValidationError):
        return Problem(422, "validation-error", "Incomplete form", "Fill in every field.")
    for problem_type in PROBLEMS:
        if isinstance(exc, problem_type.error):
            return problem_type.problem(exc)
    return None


def form_route(template: str) -> type[APIRoute]:
    """Routes whose domain errors a browser sees as `template` again, with the error's
    status, title and detail; other clients get the problem+json of the catalogue."""

    class FormRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def handle_or_show_form(request: Request) -> Response:
                try:
                    return await handle(request)
                except Exception as exc:
                    problem = _problem_of(exc)
                    if problem is None or "text/html" not in request.headers.get("accept", ""):
                        raise
                    return await _form_again(request, template, problem)

            return handle_or_show_form

    return FormRoute


async def _form_again(request: Request, template: str, problem: Problem) -> HTMLResponse:
    dependencies = dependencies_of(request, IdentityDependencies)
    form = await request.form()
    session = await forms.form_session(dependencies.accounts, request.cookies.get(SESSION_COOKIE))
    email, continuation = form.get("email", ""), form.get("next", "")
    return await render_form(
        template,
        dependencies,
        session,
        email=email if isinstance(email, str) else "",
        continuation=continuation if isinstance(continuation, str) else "",
        problem=problem,
    )
