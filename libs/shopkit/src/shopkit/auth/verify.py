"""Access-token verification: signature by the issuer's key, then issuer, audience and time.

Every step is joserfc's; this module only decides what is accepted. The algorithm
allow-list is enforced before any key is looked up, so ``none`` and HMAC never reach a key
(an HS256 token "signed" with the public key is refused as an algorithm, not as a key).
"""

from collections.abc import Collection
from typing import Any

import orjson
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
    UnsupportedAlgorithmError,
)
from joserfc.jwa import JWSAlgModel
from joserfc.jws import CompactSignature, JWSRegistry, extract_compact, validate_compact
from joserfc.jwt import JWTClaimsRegistry

from shopkit.auth.keys import RemoteKeySet, SigningKeysUnavailableError
from shopkit.auth.principal import Principal, principal_from_claims
from shopkit.auth.settings import AuthSettings

ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt", "jwt"})
"""``typ`` values accepted (case-insensitive): RFC 9068 access tokens, and the plain JWTs
Keycloak and Entra ID issue. No ``typ`` at all is accepted too."""

_CLAIM_REASONS = {
    "iss": "the token is from another issuer",
    "aud": "the token is meant for another audience",
    "nbf": "the token is not valid yet",
    "iat": "the token was issued in the future",
}


class InvalidTokenError(Exception):
    """The token is not accepted. `reason` says why in a few words; it never quotes the token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _AllowListRegistry(JWSRegistry):
    """Exactly the configured algorithms: never joserfc's fallback to its recommended set,
    and no per-call deprecation warning for the EdDSA name the allow-list chose to keep."""

    def __init__(self, algorithms: Collection[str]) -> None:
        # Unknown, non-critical header parameters (Entra's x5t, ...) are ignored, as RFC 7515
        # section 4 asks; "crit" is still enforced.
        super().__init__(algorithms=algorithms, strict_check_header=False)
        self._accepted = frozenset(algorithms)

    def get_alg(self, name: str) -> JWSAlgModel:
        if name not in self._accepted or name not in self.algorithms:
            raise UnsupportedAlgorithmError("the algorithm is not accepted")
        return self.algorithms[name]


class TokenVerifier:
    """Verifies access tokens of the issuer and audience `settings` name."""

    def __init__(self, settings: AuthSettings, keys: RemoteKeySet) -> None:
        self._keys = keys
        self._algorithms = frozenset(settings.algorithms)
        self._registry = _AllowListRegistry(settings.algorithms)
        self._roles_claim = settings.roles_claim
        self._claims = JWTClaimsRegistry(
            leeway=settings.leeway_seconds,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    async def verify(self, token: str) -> Principal:
        """The principal `token` speaks for; InvalidTokenError when it is not accepted."""
        claims = await self.verified_claims(token)
        try:
            return principal_from_claims(claims, self._roles_claim)
        except ValueError as exc:
            raise InvalidTokenError(str(exc)) from None

    async def verified_claims(self, token: str) -> dict[str, Any]:
        """The claims of `token` once its signature, issuer, audience and times are checked;
        InvalidTokenError when it is not accepted."""
        signed = self._parse(token)
        header = signed.headers()
        if header["alg"] not in self._algorithms:
            raise InvalidTokenError("the token is not signed with an accepted algorithm")
        typ = header.get("typ")
        if typ is not None and (not isinstance(typ, str) or typ.lower() not in ACCESS_TOKEN_TYPES):
            raise InvalidTokenError("the token is not an access token")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidTokenError("the token names no signing key")
        try:
            key = await self._keys.key(kid)
        except SigningKeysUnavailableError:
            raise InvalidTokenError("the issuer's signing keys are unavailable") from None
        if key is None:
            raise InvalidTokenError("the token is signed by a key the issuer does not publish")
        try:
            valid = validate_compact(signed, key, registry=self._registry)
        except JoseError:
            valid = False  # e.g. a key of another type or curve than the algorithm needs
        if not valid:
            raise InvalidTokenError("the token's signature is not valid")
        return self._valid_claims(signed)

    def _parse(self, token: str) -> CompactSignature:
        try:
            signed = extract_compact(token.encode("ascii"), registry=self._registry)
        except (JoseError, ValueError, TypeError):
            raise InvalidTokenError("the token is not a signed JWT") from None
        if not isinstance(signed.headers(), dict):
            raise InvalidTokenError("the token is not a signed JWT")
        return signed

    def _valid_claims(self, signed: CompactSignature) -> dict[str, Any]:
        try:
            claims = orjson.loads(signed.payload)
        except orjson.JSONDecodeError:
            raise InvalidTokenError("the token's claims are not JSON") from None
        if not isinstance(claims, dict):
            raise InvalidTokenError("the token's claims are not a JSON object")
        try:
            self._claims.validate(claims)
        except ExpiredTokenError:
            raise InvalidTokenError("the token has expired") from None
        except MissingClaimError as exc:
            raise InvalidTokenError(f"the token lacks the claims {exc.claim}") from None
        except InvalidClaimError as exc:
            reason = _CLAIM_REASONS.get(exc.claim, f"the token's '{exc.claim}' claim is invalid")
            raise InvalidTokenError(reason) from None
        return claims
