"""A third-party OpenID Connect client library, pyoidc (``oic``), against the running
service: discovery, authorization code with PKCE, refresh and client credentials. It checks
the protocol with code that shares nothing with the provider's authlib."""

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oic import rndstr
from oic.oauth2.message import CCAccessTokenRequest, MessageTuple
from oic.oic import Client
from oic.oic.message import (
    AccessTokenResponse,
    AuthorizationResponse,
    OIDCMessageFactory,
    RegistrationResponse,
)
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from identity_service.config import Settings

FillIn = Callable[..., requests.Response]
VerifyToken = Callable[..., dict[str, Any]]

CALLBACK = "http://127.0.0.1:8000/auth/callback"
PASSWORD = "correct horse battery staple"


def storefront_client(identity: Settings) -> Client:
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(identity.issuer)
    client.store_registration_info(
        RegistrationResponse(
            client_id="storefront", redirect_uris=[CALLBACK], token_endpoint_auth_method="none"
        )
    )
    client.redirect_uris = [CALLBACK]
    return client


def sign_up_through_the_pages(
    browser: requests.Session,
    identity: Settings,
    fill_in: FillIn,
    authorization_url: str,
    email: str,
) -> str:
    """Follow the authorization URL as a browser does, creating the account on the way;
    the query the client's redirect URI receives."""
    to_sign_in = browser.get(authorization_url, allow_redirects=False)
    sign_in_page = browser.get(identity.issuer + to_sign_in.headers["location"])
    next_ = parse_qs(urlsplit(sign_in_page.url).query)["next"][0]
    sign_up_page = browser.get(f"{identity.issuer}/sign-up", params={"next": next_})
    signed_up = fill_in(browser, sign_up_page, "/sign-up", email=email, password=PASSWORD)
    to_client = browser.get(identity.issuer + signed_up.headers["location"], allow_redirects=False)
    location = to_client.headers["location"]
    assert location.startswith(CALLBACK + "?"), location
    return urlsplit(location).query


@pytest.fixture
def signed_in_client(
    identity: Settings, browser: requests.Session, fill_in: FillIn, email: str
) -> tuple[Client, str, AccessTokenResponse]:
    """pyoidc through discovery and the code flow with PKCE: the client, its state and the
    token response it verified (ID token signature, issuer, audience, nonce)."""
    client = storefront_client(identity)
    state, nonce = rndstr(), rndstr()
    pkce, verifier = client.add_code_challenge()
    request = client.construct_AuthorizationRequest(
        request_args={
            "client_id": "storefront",
            "response_type": "code",
            "scope": ["openid", "email"],
            "redirect_uri": CALLBACK,
            "state": state,
            "nonce": nonce,
            **pkce,
        }
    )
    query = sign_up_through_the_pages(
        browser, identity, fill_in, request.request(client.authorization_endpoint), email
    )
    authorization = client.parse_response(AuthorizationResponse, info=query, sformat="urlencoded")
    assert authorization["state"] == state
    tokens = client.do_access_token_request(
        state=state,
        request_args={
            "code": authorization["code"],
            "code_verifier": verifier,
            "redirect_uri": CALLBACK,
        },
        authn_method="",
    )
    assert isinstance(tokens, AccessTokenResponse), tokens
    assert tokens["id_token"]["nonce"] == nonce
    return client, state, tokens


def test_pyoidc_discovers_the_provider_and_its_keys(identity: Settings) -> None:
    client = storefront_client(identity)

    assert client.provider_info["issuer"] == identity.issuer
    assert client.token_endpoint == f"{identity.issuer}/token"
    assert client.keyjar.get_issuer_keys(identity.issuer)


def test_pyoidc_completes_the_code_flow_with_pkce_and_verifies_the_id_token(
    identity: Settings,
    signed_in_client: tuple[Client, str, AccessTokenResponse],
    verify_token: VerifyToken,
    email: str,
) -> None:
    _, _, tokens = signed_in_client

    id_token = tokens["id_token"]
    assert id_token["iss"] == identity.issuer
    assert id_token["aud"] == ["storefront"]
    assert id_token["email"] == email
    assert verify_token(identity, tokens["access_token"])["sub"] == id_token["sub"]


def test_pyoidc_refreshes_and_gets_a_new_refresh_token(
    identity: Settings,
    signed_in_client: tuple[Client, str, AccessTokenResponse],
    verify_token: VerifyToken,
) -> None:
    client, state, tokens = signed_in_client

    refreshed = client.do_access_token_refresh(state=state, authn_method="")

    assert isinstance(refreshed, AccessTokenResponse), refreshed
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    assert verify_token(identity, refreshed["access_token"])["sub"] == tokens["id_token"]["sub"]


def test_pyoidc_reads_userinfo_with_the_access_token(
    signed_in_client: tuple[Client, str, AccessTokenResponse], email: str
) -> None:
    client, state, tokens = signed_in_client

    userinfo = client.do_user_info_request(method="GET", state=state)

    assert userinfo["sub"] == tokens["id_token"]["sub"]
    assert userinfo["email"] == email


class ClientCredentialsMessages(OIDCMessageFactory):
    token_endpoint = MessageTuple(CCAccessTokenRequest, AccessTokenResponse)


def test_pyoidc_gets_a_service_token_with_client_credentials(
    identity: Settings, verify_token: VerifyToken
) -> None:
    assert identity.smoke_client_secret_file is not None
    client = Client(
        client_id="smoke",
        client_authn_method=CLIENT_AUTHN_METHOD,
        message_factory=ClientCredentialsMessages,
    )
    client.request2endpoint[CCAccessTokenRequest.__name__] = "token_endpoint"
    client.client_secret = identity.smoke_client_secret_file.read_text().strip()
    client.provider_config(identity.issuer)

    tokens = client.do_access_token_request(
        request_args={"grant_type": "client_credentials", "scope": ["smoke:run"]},
        authn_method="client_secret_basic",
    )

    assert isinstance(tokens, AccessTokenResponse), tokens
    claims = verify_token(identity, tokens["access_token"])
    assert claims["sub"] == claims["client_id"] == "smoke"
    assert claims["roles"] == ["admin"]
