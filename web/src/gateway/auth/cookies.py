"""The gateway's two cookies and their flags: one policy for setting and clearing them."""

from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie

SESSION_COOKIE = "shopstack-session"
SIGN_IN_COOKIE = "shopstack-login"
# RFC 6265bis section 4.1.3.2: a __Host- cookie is Secure, has Path=/ and no Domain, so no
# other host (a sibling subdomain) and no plain-http page can set or shadow it.
HOST_PREFIX = "__Host-"


@dataclass(frozen=True)
class CookiePolicy:
    """HttpOnly, SameSite=Lax and Path=/ always; Secure and __Host- on https."""

    https: bool

    @property
    def session_name(self) -> str:
        return self._named(SESSION_COOKIE)

    @property
    def sign_in_name(self) -> str:
        return self._named(SIGN_IN_COOKIE)

    def _named(self, name: str) -> str:
        return HOST_PREFIX + name if self.https else name

    def session_of(self, cookies: Mapping[str, str]) -> str | None:
        return cookies.get(self.session_name)

    def sign_in_of(self, cookies: Mapping[str, str]) -> str | None:
        return cookies.get(self.sign_in_name)

    def set_session(self, value: str, max_age: int) -> str:
        return self._header(self.session_name, value, max_age)

    def set_sign_in(self, value: str, max_age: int) -> str:
        return self._header(self.sign_in_name, value, max_age)

    def clear_session(self) -> str:
        return self._header(self.session_name, "", 0)

    def clear_sign_in(self) -> str:
        return self._header(self.sign_in_name, "", 0)

    def _header(self, name: str, value: str, max_age: int) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[name] = value
        morsel = cookie[name]
        morsel["path"] = "/"
        morsel["max-age"] = str(max_age)
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.https:
            morsel["secure"] = True
        return morsel.OutputString()
