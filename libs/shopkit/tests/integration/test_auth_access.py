"""Declared access over real HTTP: a tiny app guarded by shopkit.auth, tokens of a TestIssuer."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import aiohttp
import pytest
from fastapi import APIRouter, FastAPI

from shopkit.auth import (
    AUTH_PROBLEMS,
    AUTH_STATE_KEY,
    Anyone,
    AuthSettings,
    ClientCredentials,
    Principal,
    SignedIn,
    TokenUnavailableError,
    open_verifier,
    role,
    service_scope,
)
from shopkit.errors import install_problem_handlers
from shopkit.http_client import ServiceClient
from testkit.http import assert_problem
from testkit.issuer import TestIssuer
from testkit.live_server import serve_in_thread

router = APIRouter()


def _described(principal: Principal | None) -> dict[str, Any] | None:
    if principal is None:
        return None
    return {
        "subject": principal.subject,
        "roles": sorted(principal.roles),
        "scopes": sorted(principal.scopes),
        "clientId": principal.client_id,
        "isService": principal.is_service,
    }


@router.get("/catalogue")
async def catalogue(caller: Anyone) -> dict[str, Any]:
    return {"caller": _described(caller)}


@router.get("/me")
async def me(caller: SignedIn) -> dict[str, Any] | None:
    return _described(caller)


@router.delete("/products/{sku}", status_code=204, dependencies=[role("admin")])
async def delete_product(sku: str) -> None:
    return None


@router.post("/reservations")
async def reserve(
    caller: Annotated[Principal, service_scope("inventory:reserve")],
) -> dict[str, Any] | None:
    return _described(caller)


def protected_app(settings: AuthSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        async with open_verifier(settings) as verifier:
            yield {AUTH_STATE_KEY: verifier}

    app = FastAPI(lifespan=lifespan)
    install_problem_handlers(app, AUTH_PROBLEMS)
    app.include_router(router)
    return app


@pytest.fixture(scope="module")
def base_url(token_issuer: TestIssuer) -> Iterator[str]:
    with serve_in_thread(protected_app(AuthSettings(issuer=token_issuer.url))) as url:
        yield url


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claims_altered_after_signing(issuer: TestIssuer) -> str:
    header, _, signature = issuer.mint("alice").split(".")
    _, admin_claims, _ = issuer.mint("alice", roles=["admin"]).split(".")
    return f"{header}.{admin_claims}.{signature}"


BAD_TOKENS: dict[str, tuple[Callable[[TestIssuer], str], str]] = {
    "alg none": (TestIssuer.unsigned_token, "not signed with an accepted algorithm"),
    "HS256 signed with the public key": (
        TestIssuer.hmac_token_with_public_key,
        "not signed with an accepted algorithm",
    ),
    "signed by a key not in the JWKS": (TestIssuer.token_from_unknown_key, "does not publish"),
    "forged for a published kid": (TestIssuer.token_forged_for_known_kid, "signature"),
    "claims altered after signing": (_claims_altered_after_signing, "signature"),
    "expired": (TestIssuer.expired_token, "expired"),
    "not yet valid": (TestIssuer.not_yet_valid_token, "not valid yet"),
    "for another audience": (TestIssuer.wrong_audience_token, "another audience"),
    "from another issuer": (TestIssuer.wrong_issuer_token, "another issuer"),
    "without exp": (lambda issuer: issuer.mint("alice", expires_in=None), "lacks the claims exp"),
    "not an access token": (lambda issuer: issuer.mint("alice", typ="dpop+jwt"), "not an access"),
    "not a JWT": (lambda issuer: "not-a-jwt", "not a signed JWT"),
}


@pytest.mark.parametrize("case", BAD_TOKENS.keys())
async def test_a_bad_token_is_refused_with_401_problem_and_a_bearer_challenge(
    case: str, base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    make_token, reason = BAD_TOKENS[case]

    async with http.get(f"{base_url}/me", headers=bearer(make_token(token_issuer))) as response:
        body = await assert_problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]

    assert body["type"] == "urn:shopstack:problem:unauthenticated"
    assert challenge == 'Bearer error="invalid_token"'
    assert reason in body["detail"]


async def test_a_valid_user_token_reaches_the_route_with_its_principal(
    base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    token = token_issuer.mint("alice", roles=["customer"], scopes=["openid", "orders"])

    async with http.get(f"{base_url}/me", headers=bearer(token)) as response:
        assert response.status == 200
        body = await response.json()

    assert body == {
        "subject": "alice",
        "roles": ["customer"],
        "scopes": ["openid", "orders"],
        "clientId": "shopstack-web",
        "isService": False,
    }


@pytest.mark.parametrize("kid", ["signing", "ed25519"])
async def test_es256_and_eddsa_tokens_of_the_issuer_are_both_accepted(
    kid: str, base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    key = token_issuer.signing_kid if kid == "signing" else token_issuer.ed25519_kid

    async with http.get(f"{base_url}/me", headers=bearer(token_issuer.mint("bob", key=key))) as r:
        assert r.status == 200


async def test_a_route_for_signed_in_callers_answers_401_with_a_bare_challenge_without_a_token(
    base_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{base_url}/me") as response:
        body = await assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"

    assert body["type"] == "urn:shopstack:problem:unauthenticated"


@pytest.mark.parametrize("header", ["Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer two tokens"])
async def test_an_authorization_header_without_one_bearer_token_is_refused(
    header: str, base_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{base_url}/me", headers={"Authorization": header}) as response:
        await assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


async def test_a_public_route_serves_anonymous_callers_and_names_signed_in_ones(
    base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    async with http.get(f"{base_url}/catalogue") as anonymous:
        assert await anonymous.json() == {"caller": None}
    async with http.get(f"{base_url}/catalogue", headers=bearer(token_issuer.mint("bob"))) as bob:
        assert (await bob.json())["caller"]["subject"] == "bob"


async def test_a_public_route_refuses_a_bad_token_that_is_sent(
    base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    token = token_issuer.expired_token()

    async with http.get(f"{base_url}/catalogue", headers=bearer(token)) as response:
        await assert_problem(response, 401)


async def test_a_role_route_forbids_a_principal_without_the_role_and_admits_one_with_it(
    base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    customer = token_issuer.mint("alice", roles=["customer"])
    admin = token_issuer.mint("ada", roles=["admin"])

    async with http.delete(f"{base_url}/products/SKU-1", headers=bearer(customer)) as response:
        body = await assert_problem(response, 403)
    async with http.delete(f"{base_url}/products/SKU-1", headers=bearer(admin)) as allowed:
        assert allowed.status == 204

    assert body["type"] == "urn:shopstack:problem:forbidden"
    assert "admin" in body["detail"]


async def test_a_service_scope_route_admits_a_service_token_with_the_scope(
    base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    token = token_issuer.mint_service("order-service", scopes=["inventory:reserve"])

    async with http.post(f"{base_url}/reservations", headers=bearer(token)) as response:
        assert response.status == 200
        body = await response.json()

    assert (body["subject"], body["isService"]) == ("order-service", True)


@pytest.mark.parametrize(
    "make_token",
    [
        lambda issuer: issuer.mint("alice", scopes=["inventory:reserve"]),
        lambda issuer: issuer.mint("ada", roles=["admin"], scopes=["inventory:reserve"]),
        lambda issuer: issuer.mint_service("order-service", scopes=["inventory:read"]),
    ],
    ids=["user with the scope", "admin with the scope", "service without the scope"],
)
async def test_a_service_scope_route_forbids_users_and_services_without_the_scope(
    make_token: Callable[[TestIssuer], str],
    base_url: str,
    http: aiohttp.ClientSession,
    token_issuer: TestIssuer,
) -> None:
    async with http.post(
        f"{base_url}/reservations", headers=bearer(make_token(token_issuer))
    ) as response:
        body = await assert_problem(response, 403)

    assert body["type"] == "urn:shopstack:problem:forbidden"


async def test_a_service_client_with_client_credentials_calls_a_service_scope_route(
    base_url: str, http: aiohttp.ClientSession, token_issuer: TestIssuer
) -> None:
    secret = token_issuer.register_client("order-service", scopes=["inventory:reserve"])
    credentials = ClientCredentials(
        http, token_url=token_issuer.token_url, client_id="order-service", client_secret=secret
    )
    authorized = ServiceClient("inventory", base_url, http, authorization=credentials)
    anonymous = ServiceClient("inventory", base_url, http)

    reply = await authorized.call("POST", "/reservations", idempotent=False)
    refused = await anonymous.call("POST", "/reservations", idempotent=False)

    assert (reply.status, reply.body["isService"]) == (200, True)
    assert refused.status == 401


async def test_no_token_or_client_secret_appears_in_the_logs(
    base_url: str,
    http: aiohttp.ClientSession,
    token_issuer: TestIssuer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = token_issuer.register_client("log-probe", scopes=["inventory:reserve"])
    credentials = ClientCredentials(
        http, token_url=token_issuer.token_url, client_id="log-probe", client_secret=secret
    )
    wrong = ClientCredentials(
        http, token_url=token_issuer.token_url, client_id="log-probe", client_secret=secret[::-1]
    )
    sent = [await credentials.token(), token_issuer.expired_token(), token_issuer.unsigned_token()]
    sent += [token_issuer.token_from_unknown_key(), token_issuer.wrong_audience_token()]

    for token in sent:
        async with http.get(f"{base_url}/me", headers=bearer(token)):
            pass
    with pytest.raises(TokenUnavailableError, match="token endpoint") as failure:
        await wrong.token()
    await asyncio.sleep(0.1)  # let the server thread's log records land

    assert caplog.records, "the refusals were logged"
    logged = caplog.text + repr([vars(record) for record in caplog.records])
    for leaked in [secret, secret[::-1], *sent]:
        assert leaked not in logged
        assert leaked not in str(failure.value)
