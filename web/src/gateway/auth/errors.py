"""Why a sign-in or a session fails; answered by the gateway's problem catalogue."""


class SessionExpiredError(Exception):
    """A session cookie that no longer opens a session: signed out, expired, or refused by
    the issuer at refresh. `clear_cookie` is the Set-Cookie header that removes it."""

    def __init__(self, clear_cookie: str) -> None:
        super().__init__("Your session has ended: sign in again.")
        self.clear_cookie = clear_cookie


class RefreshRefusedError(Exception):
    """The issuer refused the session's refresh token (revoked, expired or reused)."""


class SignInFailedError(Exception):
    """A callback that does not complete a sign-in this browser started."""


class CsrfRejectedError(Exception):
    """A state-changing request from another origin, or without the session's CSRF token."""


class IdentityProviderUnavailableError(Exception):
    def __init__(self) -> None:
        super().__init__("The sign-in service cannot be reached.")
