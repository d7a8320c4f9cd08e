"""ID tokens read back as logout hints: verified with joserfc against the published keys."""

from collections.abc import Awaitable, Callable
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError

from identity_service.adapters.keys import ALGORITHM, public_key_set
from identity_service.domain import IdTokenHint, InvalidLogoutRequestError, KeyRing
from identity_service.ports import Clock

ACCESS_TOKEN_TYPE = "at+jwt"


class PublishedKeyIdTokens:
    """The IdTokenHints port: ID tokens of `issuer`, signed with a key it still publishes.

    The expiry is not checked (RP-Initiated Logout 1.0 section 4: a client signs out with
    the ID token it got at sign-in). A key dropped after a rotation verifies nothing more,
    so an ID token from before a rotation's overlap is refused like a forged one.
    """

    def __init__(
        self, issuer: str, key_ring: Callable[[], Awaitable[KeyRing]], clock: Clock
    ) -> None:
        self._issuer = issuer
        self._key_ring = key_ring
        self._clock = clock

    async def verify(self, id_token: str) -> IdTokenHint:
        keys = public_key_set(await self._key_ring(), self._clock())
        try:
            decoded = jwt.decode(id_token, keys, algorithms=[ALGORITHM])
        except (JoseError, ValueError) as error:
            raise InvalidLogoutRequestError(
                "the id_token_hint is not an ID token this provider signed"
            ) from error
        if decoded.header.get("typ") == ACCESS_TOKEN_TYPE:
            # Same keys, same issuer: only the type tells an access token (RFC 9068 4).
            raise InvalidLogoutRequestError("the id_token_hint is an access token")
        claims = decoded.claims
        if claims.get("iss") != self._issuer:
            raise InvalidLogoutRequestError("the id_token_hint was issued by another issuer")
        subject, audiences = claims.get("sub"), _audiences(claims.get("aud"))
        if not isinstance(subject, str) or not subject or not audiences:
            raise InvalidLogoutRequestError("the id_token_hint names no subject or audience")
        return IdTokenHint(subject, audiences)


def _audiences(claim: Any) -> frozenset[str]:
    values = [claim] if isinstance(claim, str) else claim if isinstance(claim, list) else []
    return frozenset(value for value in values if isinstance(value, str) and value)
