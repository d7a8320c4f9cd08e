"""RP-initiated logout and prompt=create: which client asks, where the browser may be sent
back to, when a request may end a session without asking the user; without I/O."""

from datetime import UTC, datetime, timedelta

import pytest

from identity_service.domain import (
    Client,
    ClientKind,
    IdTokenHint,
    InvalidLogoutRequestError,
    LoginSession,
    LogoutRequest,
    asks_to_create_account,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HOME = "https://shop.example/"


def storefront(*post_logout_redirect_uris: str) -> Client:
    return Client(
        "storefront",
        ClientKind.PUBLIC,
        frozenset({"authorization_code", "refresh_token"}),
        frozenset({"openid"}),
        redirect_uris=("https://shop.example/auth/callback",),
        post_logout_redirect_uris=post_logout_redirect_uris or (HOME,),
    )


def session_of(user_id: str | None) -> LoginSession:
    return LoginSession("d", "t", NOW, NOW + timedelta(hours=1), user_id, NOW if user_id else None)


def hint(subject: str = "user-1", *audiences: str) -> IdTokenHint:
    return IdTokenHint(subject, frozenset(audiences or ("storefront",)))


def test_the_client_is_the_one_client_id_names() -> None:
    assert LogoutRequest(client_id="storefront").named_client_id() == "storefront"


def test_without_client_id_the_client_is_the_hints_audience() -> None:
    assert LogoutRequest(hint=hint()).named_client_id() == "storefront"


def test_a_client_id_the_hint_was_not_issued_to_is_refused() -> None:
    request = LogoutRequest(client_id="smoke", hint=hint())

    with pytest.raises(InvalidLogoutRequestError, match="not issued to"):
        request.named_client_id()


def test_a_hint_for_several_clients_names_none_of_them() -> None:
    assert LogoutRequest(hint=hint("user-1", "a", "b")).named_client_id() is None


def test_a_redirect_without_a_client_is_refused() -> None:
    request = LogoutRequest(post_logout_redirect_uri=HOME)

    with pytest.raises(InvalidLogoutRequestError, match="needs a client_id"):
        request.named_client_id()


def test_the_browser_goes_back_to_the_registered_uri_with_the_state() -> None:
    request = LogoutRequest("storefront", HOME, state="a b&c")

    assert request.redirect_for(storefront()) == "https://shop.example/?state=a+b%26c"


def test_the_state_joins_a_registered_uri_that_has_a_query() -> None:
    uri = "https://shop.example/?signed-out=1"
    request = LogoutRequest("storefront", uri, state="s")

    assert request.redirect_for(storefront(uri)) == f"{uri}&state=s"


def test_without_state_the_redirect_is_the_registered_uri_itself() -> None:
    assert LogoutRequest("storefront", HOME).redirect_for(storefront()) == HOME


def test_without_a_post_logout_redirect_uri_the_browser_stays_here() -> None:
    assert LogoutRequest("storefront", state="s").redirect_for(storefront()) is None


@pytest.mark.parametrize(
    "uri",
    [
        "https://shop.example",
        "https://shop.example/?x=1",
        "https://shop.example//evil.example/",
        "https://shop.example.evil/",
        "http://shop.example/",
        "https://shop.example/auth/callback",
    ],
)
def test_a_post_logout_redirect_uri_must_be_registered_exactly(uri: str) -> None:
    with pytest.raises(InvalidLogoutRequestError, match="not registered"):
        LogoutRequest("storefront", uri).redirect_for(storefront())


def test_a_hint_about_the_sessions_user_speaks_for_the_session() -> None:
    assert LogoutRequest(hint=hint("user-1")).speaks_for(session_of("user-1"))


def test_a_hint_about_another_user_does_not() -> None:
    assert not LogoutRequest(hint=hint("user-2")).speaks_for(session_of("user-1"))


def test_no_hint_speaks_for_any_session() -> None:
    assert not LogoutRequest("storefront").speaks_for(session_of("user-1"))


@pytest.mark.parametrize(
    ("prompt", "create"),
    [("create", True), ("login create", True), ("login", False), ("none", False), (None, False)],
)
def test_prompt_create_asks_for_the_sign_up_page(prompt: str | None, create: bool) -> None:
    assert asks_to_create_account(prompt) is create
