"""The OAuth 2.0 / OpenID Connect endpoints; they answer as their RFCs say."""

from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse

from identity_service.api.deps import Dependencies, OAuthRequest, SessionCookie
from identity_service.api.pages import interaction_url
from identity_service.domain import InvalidAuthorizationRequestError
from identity_service.ports import ProtocolResponse
from identity_service.service import authorization
from identity_service.service.authorization import Interaction
from shopkit.auth import checked_elsewhere
from shopkit.openapi import raises

# OAuth endpoints authenticate clients and tokens by their own RFCs (Basic at /token).
router = APIRouter(tags=["oauth"], dependencies=[checked_elsewhere])


def _response(answer: ProtocolResponse) -> Response:
    response = Response(answer.body, answer.status)
    for name, value in answer.headers:
        response.headers.append(name, value)
    return response


@router.get("/authorize", openapi_extra=raises(InvalidAuthorizationRequestError))
async def authorize(
    request: OAuthRequest, dependencies: Dependencies, session_cookie: SessionCookie
) -> Response:
    """Authorization code with PKCE (S256): to the client's redirect URI with a code, once
    the user has signed in (the sign-in page first, if not yet; the sign-up page for
    ``prompt=create``)."""
    answer = await authorization.authorize(
        dependencies.protocol, dependencies.accounts, request, session_cookie
    )
    if isinstance(answer, Interaction):
        return RedirectResponse(interaction_url(answer, request.query), 303)
    return _response(answer)


@router.post("/token")
async def token(request: OAuthRequest, dependencies: Dependencies) -> Response:
    """authorization_code, refresh_token (rotated) and client_credentials (RFC 6749)."""
    return _response(await dependencies.protocol.token(request))


@router.post("/revoke")
async def revoke(request: OAuthRequest, dependencies: Dependencies) -> Response:
    """Revoke a refresh token and its family (RFC 7009)."""
    return _response(await dependencies.protocol.revoke(request))


# Two routes, not one api_route for both methods: its two operations would share one id.
@router.get("/userinfo")
@router.post("/userinfo")
async def userinfo(request: OAuthRequest, dependencies: Dependencies) -> Response:
    """The claims about the user an access token with ``openid`` speaks for."""
    return _response(await dependencies.protocol.userinfo(request))
