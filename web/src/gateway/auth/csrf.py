"""Cross-site request forgery: a state-changing request must come from the shop's own page.

Two checks, as OWASP's cheat sheet advises for cookie sessions: the browser's ``Origin`` (no
other site can forge it), and the session's CSRF token in a header (no other site can read
it: it is answered only by /auth/me, same-origin).
"""

from starlette.requests import Request

from gateway.auth.domain import Session, same_secret
from gateway.auth.errors import CsrfRejectedError

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def changes_state(request: Request) -> bool:
    return request.method not in SAFE_METHODS


def refuse_other_origins(request: Request, public_origin: str) -> None:
    """Any state-changing request a browser sends from another site, with a session or not
    (a guest's order placed by another site is still forged)."""
    origin = request.headers.get("origin")
    if changes_state(request) and origin is not None and origin != public_origin:
        raise CsrfRejectedError("The request comes from another site.")


def require_csrf_token(request: Request, public_origin: str, session: Session) -> None:
    """A state-changing request on a session: from this origin, with its CSRF token."""
    if not changes_state(request):
        return
    if request.headers.get("origin") != public_origin:
        raise CsrfRejectedError("The request does not say it comes from this shop.")
    if not same_secret(request.headers.get(CSRF_HEADER), session.csrf_token):
        raise CsrfRejectedError("The request lacks this session's CSRF token.")
