"""Signing in through the gateway at the real identity service, over real HTTP: the browser
holds one HttpOnly cookie, the services get the user's token, forged writes never leave the
gateway, and sign-out revokes."""

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import requests

from gateway.auth.adapters.sqlite_store import sqlite_path
from shopkit.auth import AuthSettings
from testkit.network import free_port
from testkit.processes import ServiceProcesses
from testkit.tls import Certificate, self_signed_loopback_certificate

from .signing_in import Browser, claims_of, new_email, stored_sessions
from .stand_ins import Gateway, StandIn, running_gateway


@dataclass(frozen=True)
class Storefront:
    gateway: Gateway
    sessions_file: Path
    verify: str | bool = True

    def browser(self) -> Browser:
        return Browser(self.gateway.url, self.verify)

    def tokens(self) -> list[tuple[str, str | None]]:
        """(access token, refresh token) of every session the gateway keeps."""
        return [
            (record["access_token"], record["refresh_token"])
            for record in stored_sessions(self.sessions_file)
        ]


@dataclass(frozen=True)
class Ports:
    plain: int
    eager: int
    https: int


@pytest.fixture(scope="module")
def ports() -> Ports:
    return Ports(free_port(), free_port(), free_port())


STOREFRONT_SECRET = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def identity(ports: Ports, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The identity service, its storefront client (confidential) registered for the three
    gateways here."""
    shops = [
        f"http://127.0.0.1:{ports.plain}",
        f"http://127.0.0.1:{ports.eager}",
        f"https://127.0.0.1:{ports.https}",
    ]
    log = tmp_path_factory.mktemp("identity") / "identity.log"
    with ServiceProcesses(
        ["identity"],
        log_of=lambda _name: log,
        env={
            "IDENTITY_STOREFRONT_REDIRECT_URIS": " ".join(f"{s}/auth/callback" for s in shops),
            "IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS": " ".join(f"{s}/" for s in shops),
            "IDENTITY_STOREFRONT_CLIENT_SECRET": STOREFRONT_SECRET,
        },
    ) as services:
        services.start()
        services.wait_ready(timeout=60)
        yield services.urls["identity"]


@contextmanager
def _storefront(
    identity: str,
    upstreams: dict[str, str],
    port: int,
    directory: Path,
    tls: Certificate | None = None,
    **settings: object,
) -> Iterator[Storefront]:
    scheme = "https" if tls else "http"
    store = f"sqlite+aiosqlite:///{directory}/sessions.db"
    with running_gateway(
        upstreams,
        port,
        tls,
        **{
            "public_url": f"{scheme}://127.0.0.1:{port}",
            "auth": AuthSettings(issuer=identity),
            "session_store_url": store,
            "oidc_client_secret": STOREFRONT_SECRET,
            **settings,
        },
    ) as gateway:
        yield Storefront(gateway, sqlite_path(store), str(tls.certificate) if tls else True)


@pytest.fixture(scope="module")
def upstreams(stand_in_servers: dict[str, tuple[StandIn, str]]) -> dict[str, str]:
    return {name: url for name, (_stand_in, url) in stand_in_servers.items()}


@pytest.fixture(scope="module")
def shop(
    identity: str, upstreams: dict[str, str], ports: Ports, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Storefront]:
    with _storefront(identity, upstreams, ports.plain, tmp_path_factory.mktemp("plain")) as running:
        yield running


@pytest.fixture(scope="module")
def eager_shop(
    identity: str, upstreams: dict[str, str], ports: Ports, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Storefront]:
    """Refreshes every access token before use: its margin is the tokens' whole lifetime."""
    with _storefront(
        identity,
        upstreams,
        ports.eager,
        tmp_path_factory.mktemp("eager"),
        session_refresh_margin_seconds=300,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def https_shop(
    identity: str, upstreams: dict[str, str], ports: Ports, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Storefront]:
    directory = tmp_path_factory.mktemp("https")
    tls = self_signed_loopback_certificate(directory)
    with _storefront(identity, upstreams, ports.https, directory, tls) as running:
        yield running


def signed_in(shop: Storefront) -> Browser:
    browser = shop.browser()
    callback = browser.sign_up(new_email())
    assert callback.status_code == 303, callback.text
    return browser


def test_a_new_customer_signs_up_through_the_gateway_and_comes_back_signed_in(
    shop: Storefront,
) -> None:
    browser = shop.browser()
    email = new_email()

    callback = browser.sign_up(email)

    assert callback.headers["location"] == "/?tab=orders"
    me = browser.me()
    assert me["signedIn"] is True
    assert me["email"] == email
    assert me["roles"] == ["customer"]
    assert me["csrfToken"]


def test_the_session_cookie_is_http_only_and_same_site_lax_over_http(shop: Storefront) -> None:
    callback = shop.browser().sign_up(new_email())

    cookie = next(
        header
        for header in callback.raw.headers.getlist("set-cookie")
        if header.startswith("shopstack-session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in callback.headers


def test_over_https_the_cookies_are_host_prefixed_and_secure_and_hsts_is_sent(
    https_shop: Storefront,
) -> None:
    browser = https_shop.browser()

    started = browser.get("/auth/login")
    callback = browser.sign_up(new_email())

    assert started.headers["set-cookie"].startswith("__Host-shopstack-login=")
    session_cookie = next(
        header
        for header in callback.raw.headers.getlist("set-cookie")
        if header.startswith("__Host-shopstack-session=")
    )
    assert "; Secure" in session_cookie
    assert "Path=/" in session_cookie
    assert "Domain" not in session_cookie
    assert browser.me()["signedIn"] is True
    assert "max-age=" in callback.headers["strict-transport-security"]


def test_the_signed_in_users_token_reaches_the_service_and_never_the_browser(
    shop: Storefront, stand_ins: dict[str, StandIn]
) -> None:
    browser = signed_in(shop)
    subject = browser.me()["subject"]

    answer = browser.get("/api/order", headers={"Authorization": "Bearer planted"})

    assert answer.status_code == 201
    (forwarded,) = stand_ins["order"].requests()
    (authorization,) = forwarded.header("authorization")
    token = authorization.removeprefix("Bearer ")
    assert claims_of(token)["sub"] == subject
    received = browser.everything_received()
    for access_token, refresh_token in shop.tokens():
        assert access_token not in received
        assert refresh_token is None or refresh_token not in received


def test_a_guests_request_carries_no_token(shop: Storefront, stand_ins: dict[str, StandIn]) -> None:
    answer = shop.browser().write("POST", "/api/order/create", {}, csrf=False)

    assert answer.status_code == 201
    (forwarded,) = stand_ins["order"].requests()
    assert forwarded.header("authorization") == []


@pytest.mark.usefixtures("nothing_forwarded")
def test_a_signed_in_write_without_the_csrf_token_is_refused(shop: Storefront) -> None:
    answer = signed_in(shop).write("POST", "/api/order/create", {}, csrf=False)

    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("csrf-rejected")


@pytest.mark.usefixtures("nothing_forwarded")
def test_a_signed_in_write_without_an_origin_is_refused(shop: Storefront) -> None:
    answer = signed_in(shop).write("PUT", "/api/inventory/iphone_13", {}, origin=None)

    assert answer.status_code == 403


@pytest.mark.usefixtures("nothing_forwarded")
def test_a_write_from_another_site_is_refused_even_with_the_token(shop: Storefront) -> None:
    answer = signed_in(shop).write("POST", "/api/order/create", {}, origin="http://evil.example")

    assert answer.status_code == 403
    assert answer.json()["type"].endswith("csrf-rejected")


@pytest.mark.usefixtures("nothing_forwarded")
def test_a_guest_write_from_another_site_is_refused(shop: Storefront) -> None:
    answer = shop.browser().write(
        "POST", "/api/order/create", {}, csrf=False, origin="http://evil.example"
    )

    assert answer.status_code == 403


def test_a_signed_in_write_from_the_page_is_forwarded_with_the_users_token(
    shop: Storefront, stand_ins: dict[str, StandIn]
) -> None:
    answer = signed_in(shop).write("POST", "/api/order/create", {})

    assert answer.status_code == 201
    (forwarded,) = stand_ins["order"].requests()
    assert forwarded.header("authorization")[0].startswith("Bearer ey")


@pytest.mark.usefixtures("nothing_forwarded")
def test_a_callback_this_browser_did_not_start_is_refused(shop: Storefront) -> None:
    answer = shop.browser().get("/auth/callback?code=stolen&state=guessed")

    assert answer.status_code == 400
    assert answer.json()["type"].endswith("sign-in-failed")


def test_without_its_client_secret_the_gateway_cannot_complete_a_sign_in(
    identity: str, upstreams: dict[str, str], tmp_path: Path
) -> None:
    # The issuer knows the storefront as a confidential client: a code alone redeems nothing.
    port = free_port()
    with ServiceProcesses(
        ["identity"],
        log_of=lambda _name: tmp_path / "identity.log",
        env={
            "IDENTITY_STOREFRONT_REDIRECT_URIS": f"http://127.0.0.1:{port}/auth/callback",
            "IDENTITY_STOREFRONT_CLIENT_SECRET": STOREFRONT_SECRET,
        },
    ) as services:
        services.start()
        services.wait_ready(timeout=60)
        with _storefront(
            services.urls["identity"], upstreams, port, tmp_path, oidc_client_secret=None
        ) as storefront:
            callback = storefront.browser().sign_up(new_email())

    assert callback.status_code == 400
    assert callback.json()["type"].endswith("sign-in-failed")


def test_sign_in_from_another_host_name_starts_at_the_public_url(shop: Storefront) -> None:
    port = shop.gateway.url.rsplit(":", 1)[1]

    answer = shop.browser().get("/auth/login", headers={"Host": f"localhost:{port}"})

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{shop.gateway.url}/auth/login"
    assert "set-cookie" not in answer.headers


def test_the_page_opened_by_another_host_name_moves_to_the_public_url(shop: Storefront) -> None:
    port = shop.gateway.url.rsplit(":", 1)[1]

    answer = shop.browser().get("/?poll=1000", headers={"Host": f"localhost:{port}"})

    # Otherwise its writes would carry an Origin the gateway refuses.
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{shop.gateway.url}/?poll=1000"


def test_sign_out_revokes_the_refresh_token_and_the_old_cookie_opens_nothing(
    shop: Storefront, identity: str
) -> None:
    browser = signed_in(shop)
    old_cookie = browser.session_cookie()
    refresh_tokens_before = {refresh for _access, refresh in shop.tokens()}

    signed_out = browser.write("POST", "/auth/logout")

    assert signed_out.status_code == 200
    end_session = signed_out.json()["redirectTo"]
    assert end_session.startswith(f"{identity}/logout?")
    back = browser.jar.get(end_session, allow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == shop.gateway.url + "/"
    revoked = refresh_tokens_before - {refresh for _access, refresh in shop.tokens()}
    (refresh_token,) = revoked
    refused = requests.post(
        identity + "/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=("storefront", STOREFRONT_SECRET),
        timeout=5,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    replayed = requests.get(
        shop.gateway.url + "/api/order", cookies={"shopstack-session": old_cookie or ""}, timeout=5
    )
    assert replayed.status_code == 401
    assert replayed.json()["type"].endswith("session-expired")
    assert "Max-Age=0" in replayed.headers["set-cookie"]


def test_a_stale_cookie_reads_as_signed_out_and_is_cleared(shop: Storefront) -> None:
    answer = requests.get(
        shop.gateway.url + "/auth/me", cookies={"shopstack-session": "made-up"}, timeout=5
    )

    assert answer.json() == {"signedIn": False}
    assert "Max-Age=0" in answer.headers["set-cookie"]
    assert answer.headers["cache-control"] == "no-store"


def test_an_expiring_access_token_is_refreshed_before_it_is_forwarded(
    eager_shop: Storefront, stand_ins: dict[str, StandIn]
) -> None:
    browser = signed_in(eager_shop)

    first = browser.get("/api/order")
    second = browser.get("/api/order")

    assert (first.status_code, second.status_code) == (201, 201)
    tokens = [seen.header("authorization")[0] for seen in stand_ins["order"].requests()]
    assert len(set(tokens)) == 2
    assert browser.me()["signedIn"] is True


async def test_concurrent_requests_of_one_session_never_reuse_a_refresh_token(
    eager_shop: Storefront,
) -> None:
    browser = signed_in(eager_shop)
    cookie = browser.session_cookie() or ""

    async with aiohttp.ClientSession(
        base_url=eager_shop.gateway.url, cookies={"shopstack-session": cookie}
    ) as http:

        async def list_orders() -> int:
            async with http.get("/api/order") as answer:
                return answer.status

        statuses = await asyncio.gather(*(list_orders() for _ in range(6)))

    # A reused refresh token would make the issuer revoke the session's whole family.
    assert statuses == [201] * 6
    assert browser.me()["signedIn"] is True


def metric(shop: Storefront, sample: str) -> float:
    text = requests.get(shop.gateway.management_url + "/actuator/prometheus", timeout=5).text
    (line,) = [line for line in text.splitlines() if line.startswith(sample + " ")]
    return float(line.split()[-1])


def test_sign_ins_refreshes_and_refused_forgeries_are_counted(eager_shop: Storefront) -> None:
    completed = 'gateway_sign_ins_total{outcome="completed"}'
    failed = 'gateway_sign_ins_total{outcome="failed"}'
    refreshed = 'gateway_session_refreshes_total{outcome="refreshed"}'
    forged = "gateway_csrf_rejections_total"
    before = {name: metric(eager_shop, name) for name in (completed, failed, refreshed, forged)}

    browser = signed_in(eager_shop)
    browser.get("/api/order")
    browser.write("POST", "/api/order/create", {}, csrf=False)
    eager_shop.browser().get("/auth/callback?code=x&state=y")

    after = {name: metric(eager_shop, name) for name in before}
    assert {name: after[name] - before[name] for name in before} == {
        completed: 1,
        failed: 1,
        # This gateway refreshes before every use: the list, and the write it then refused.
        refreshed: 2,
        forged: 1,
    }
