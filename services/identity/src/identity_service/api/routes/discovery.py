"""What a client learns before it starts: the provider's metadata and its signing keys."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from identity_service.api.deps import Dependencies
from shopkit.auth import public

router = APIRouter(tags=["discovery"], dependencies=[public])


@router.get("/.well-known/openid-configuration")
async def openid_configuration(dependencies: Dependencies) -> JSONResponse:
    """OpenID Connect Discovery 1.0: endpoints, grants, algorithms, scopes."""
    return JSONResponse(
        dependencies.protocol.metadata(), headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/jwks")
async def jwks(dependencies: Dependencies) -> JSONResponse:
    """The public keys that verify every token still valid (RFC 7517)."""
    # Short: a verifier that sees an unknown kid fetches again anyway.
    return JSONResponse(
        await dependencies.protocol.jwks(), headers={"Cache-Control": "public, max-age=60"}
    )
