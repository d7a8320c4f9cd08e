"""One origin for the shop: a browser that came by another host name (``localhost`` for
``127.0.0.1``) is sent to the public URL first, where its cookies are set and its writes'
``Origin`` is the one the gateway accepts."""

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse


def redirect_to_public_url(request: Request, public_url: str) -> RedirectResponse | None:
    """The same path and query at `public_url`, or None when the request is already there."""
    if request.headers.get("host") == urlsplit(public_url).netloc:
        return None
    query = "?" + request.url.query if request.url.query else ""
    return RedirectResponse(
        public_url + request.url.path + query, 303, headers={"cache-control": "no-store"}
    )
