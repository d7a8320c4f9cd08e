"""The identity service on real HTTP (uvicorn on loopback), on SQLite and the real MariaDB,
and the steps a browser and a client take against it."""

import base64
import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from identity_service.config import Settings
from identity_service.main import create_app
from testkit import forms
from testkit.live_server import serve_in_thread
from testkit.network import free_port

StartIdentity = Callable[..., AbstractContextManager[Settings]]


@pytest.fixture(scope="module", params=["sqlite", "mariadb"])
def identity_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A fresh, empty database URL for each SQL backend the identity service runs on."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('identity')}/identity.db"
    factory: Callable[[str], str] = request.getfixturevalue("mariadb_database_factory")
    return factory("identity")


@contextmanager
def serve_identity(database_url: str, files: Path, **overrides: Any) -> Iterator[Settings]:
    port = free_port()
    defaults: dict[str, Any] = {
        "order_service_client_secret_file": files / "order-service-client-secret",
        "smoke_client_secret_file": files / "smoke-client-secret",
        "admin_password_file": files / "admin-password",
    }
    settings = Settings(
        issuer=f"http://127.0.0.1:{port}",
        database_url=database_url,
        **{**defaults, **overrides},
    )
    with serve_in_thread(create_app(settings), port):
        yield settings


@pytest.fixture(scope="module")
def identity(
    identity_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """The identity service, one per test module and backend; its settings name its issuer
    (its base URL) and the files its generated secrets are in."""
    with serve_identity(identity_database_url, tmp_path_factory.mktemp("secrets")) as settings:
        yield settings


@pytest.fixture(scope="module")
def confidential_identity(
    identity_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """The identity service with the storefront as a confidential client, its secret in a
    file that did not exist before the start (`storefront_client_secret_file`)."""
    files = tmp_path_factory.mktemp("secrets")
    storefront_secret_file = files / "storefront-client-secret"
    with serve_identity(
        identity_database_url, files, storefront_client_secret_file=storefront_secret_file
    ) as settings:
        yield settings


@pytest.fixture
def start_identity(identity_database_url: str, tmp_path: Path) -> StartIdentity:
    """Start another identity service with other settings: on the module's database unless
    `database_url` names another."""

    def start(**overrides: Any) -> AbstractContextManager[Settings]:
        database_url = overrides.pop("database_url", identity_database_url)
        return serve_identity(database_url, tmp_path, **overrides)

    return start


@pytest.fixture
def fresh_database_url(
    identity_database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> str:
    """An empty database on the module's backend: a first start happens on it."""
    if identity_database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{tmp_path}/fresh.db"
    factory: Callable[[str], str] = request.getfixturevalue("mariadb_database_factory")
    return factory("identity_fresh")


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    """A browser: keeps cookies, asks for HTML."""
    with requests.Session() as session:
        session.headers["Accept"] = "text/html,application/xhtml+xml"
        yield session


def _form_fields(page: requests.Response) -> dict[str, str]:
    return forms.form_fields(page.text)


def _fill_in(
    browser: requests.Session, page: requests.Response, action: str, **fields: str
) -> requests.Response:
    action_url = urlsplit(page.url)._replace(path=action, query="").geturl()
    return browser.post(action_url, data={**_form_fields(page), **fields}, allow_redirects=False)


FillIn = Callable[..., requests.Response]
FormFields = Callable[[requests.Response], dict[str, str]]
VerifyToken = Callable[..., dict[str, Any]]


@pytest.fixture
def form_fields() -> FormFields:
    """The named inputs of a page's form, with their values (unescaped)."""
    return _form_fields


@pytest.fixture
def fill_in() -> FillIn:
    """fill_in(browser, page, "/sign-in", email=…, password=…): post the form of `page` with
    its hidden fields (CSRF token, continuation) and these, not following the redirect."""
    return _fill_in


def _verified_claims(settings: Settings, token: str, audience: str | None = None) -> dict[str, Any]:
    keys = KeySet.import_key_set(requests.get(f"{settings.issuer}/jwks").json())
    decoded = jwt.decode(token, keys, algorithms=["ES256"])
    JWTClaimsRegistry(
        iss={"essential": True, "value": settings.issuer},
        aud={"essential": True, "value": audience or settings.audience},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
    ).validate(decoded.claims)
    return {"header": dict(decoded.header), **decoded.claims}


@pytest.fixture
def verify_token() -> VerifyToken:
    """verify_token(settings, token, audience=None): its claims (and "header"), verified
    with joserfc against the JWKS endpoint, not with the provider's own code."""
    return _verified_claims


def new_email() -> str:
    return f"user-{secrets.token_hex(6)}@example.com"


@pytest.fixture
def email() -> str:
    """An address no account has yet."""
    return new_email()


STOREFRONT_CALLBACK = "http://127.0.0.1:8000/auth/callback"
STOREFRONT_HOME = "http://127.0.0.1:8000/"
PASSWORD = "correct horse battery staple"


ClientAuth = tuple[str, str]
"""A client id and secret, sent as HTTP Basic (client_secret_basic)."""


class Storefront:
    """The steps of the storefront and its customer's browser. The storefront is a public
    client unless a step is given `auth` (a confidential storefront's credentials), which
    then replaces the client_id form field."""

    callback = STOREFRONT_CALLBACK
    home = STOREFRONT_HOME
    """Its registered post-logout redirect URI (the default)."""
    password = PASSWORD

    @staticmethod
    def pkce_pair() -> tuple[str, str]:
        """A code verifier and its S256 challenge (RFC 7636 section 4.2)."""
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @staticmethod
    def authorization_request(challenge: str, **overrides: str) -> dict[str, str]:
        return {
            "response_type": "code",
            "client_id": "storefront",
            "redirect_uri": STOREFRONT_CALLBACK,
            "scope": "openid email",
            "state": secrets.token_urlsafe(12),
            "nonce": secrets.token_urlsafe(12),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **overrides,
        }

    @staticmethod
    def start(
        browser: requests.Session, identity: Settings, request: dict[str, str]
    ) -> requests.Response:
        return browser.get(f"{identity.issuer}/authorize", params=request, allow_redirects=False)

    @staticmethod
    def sign_up_on_the_way(
        browser: requests.Session, identity: Settings, answer: requests.Response, email: str
    ) -> requests.Response:
        """From /authorize's sign-in redirect, create the account; where the browser lands."""
        assert answer.status_code == 303, answer.text
        sign_in_page = browser.get(identity.issuer + answer.headers["location"])
        next_ = parse_qs(urlsplit(sign_in_page.url).query)["next"][0]
        sign_up_page = browser.get(f"{identity.issuer}/sign-up", params={"next": next_})
        signed_up = _fill_in(browser, sign_up_page, "/sign-up", email=email, password=PASSWORD)
        assert signed_up.status_code == 303, signed_up.text
        return browser.get(identity.issuer + signed_up.headers["location"], allow_redirects=False)

    @staticmethod
    def callback_of(answer: requests.Response) -> dict[str, str]:
        """What the storefront's redirect URI receives."""
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(STOREFRONT_CALLBACK + "?"), location
        return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}

    @staticmethod
    def _client(auth: ClientAuth | None) -> dict[str, str]:
        return {} if auth is not None else {"client_id": "storefront"}

    def exchange(
        self,
        identity: Settings,
        code: str,
        verifier: str,
        auth: ClientAuth | None = None,
        **form: str,
    ) -> requests.Response:
        return requests.post(
            f"{identity.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": STOREFRONT_CALLBACK,
                **self._client(auth),
                "code_verifier": verifier,
                **form,
            },
            auth=auth,
        )

    def refresh(
        self, identity: Settings, refresh_token: str, auth: ClientAuth | None = None, **form: str
    ) -> requests.Response:
        return requests.post(
            f"{identity.issuer}/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                **self._client(auth),
                **form,
            },
            auth=auth,
        )

    def revoke(
        self, identity: Settings, token: str, auth: ClientAuth | None = None, **form: str
    ) -> requests.Response:
        return requests.post(
            f"{identity.issuer}/revoke",
            data={"token": token, **self._client(auth), **form},
            auth=auth,
        )

    @staticmethod
    def logout(
        browser: requests.Session, identity: Settings, **parameters: str
    ) -> requests.Response:
        """The browser sent to the end-session endpoint, as the storefront's sign-out does."""
        return browser.get(f"{identity.issuer}/logout", params=parameters, allow_redirects=False)

    def is_signed_in(self, browser: requests.Session, identity: Settings) -> bool:
        """Whether a new authorization request gets a code at once (no sign-in page)."""
        _, challenge = self.pkce_pair()
        answer = self.start(browser, identity, self.authorization_request(challenge))
        assert answer.status_code in (302, 303), answer.text
        return answer.status_code == 302

    def code_for_new_customer(
        self, browser: requests.Session, identity: Settings, email: str
    ) -> tuple[str, str]:
        """A code for a customer who signs up on the way, and its verifier."""
        verifier, challenge = self.pkce_pair()
        answer = self.start(browser, identity, self.authorization_request(challenge))
        code = self.callback_of(self.sign_up_on_the_way(browser, identity, answer, email))["code"]
        return code, verifier

    def tokens_for_new_customer(
        self,
        browser: requests.Session,
        identity: Settings,
        email: str,
        auth: ClientAuth | None = None,
    ) -> dict[str, Any]:
        """The token response the storefront gets for a customer who signs up on the way."""
        code, verifier = self.code_for_new_customer(browser, identity, email)
        exchanged = self.exchange(identity, code, verifier, auth)
        assert exchanged.status_code == 200, exchanged.text
        tokens: dict[str, Any] = exchanged.json()
        return tokens


@pytest.fixture
def storefront() -> Storefront:
    return Storefront()
