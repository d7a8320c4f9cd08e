"""Where a browser may be sent back to, and the cookies' flags."""

import pytest

from gateway.auth.cookies import CookiePolicy
from gateway.auth.domain import safe_return_path


@pytest.mark.parametrize(
    "requested",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "evil",
        "/\x00x",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_returns_to_another_site(requested: str | None) -> None:
    assert safe_return_path(requested) == "/"


def test_sign_in_returns_to_a_path_of_the_shop_with_its_fragment() -> None:
    assert safe_return_path("/?tab=orders#order=1") == "/?tab=orders#order=1"


def test_cookies_over_http_are_http_only_and_same_site_lax() -> None:
    header = CookiePolicy(https=False).set_session("value", 60)

    assert header.startswith("shopstack-session=value;")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Secure" not in header


def test_cookies_over_https_are_host_prefixed_and_secure() -> None:
    policy = CookiePolicy(https=True)

    for header in (policy.set_session("v", 60), policy.set_sign_in("v", 60)):
        assert header.startswith("__Host-shopstack-")
        assert "; Secure" in header
        assert "Path=/" in header
        assert "Domain" not in header


def test_a_cleared_cookie_expires_at_once() -> None:
    assert "Max-Age=0" in CookiePolicy(https=True).clear_session()
