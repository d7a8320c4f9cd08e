"""The forms the sign-in, sign-up and sign-out pages post, and the logout parameters."""

from pydantic import BaseModel, Field

from identity_service.service.logout import LogoutAsked
from shopkit.schemas import CamelModel, Text

# Bounds before the domain's rules: no request makes the service hash a megabyte.
MAX_EMAIL_FIELD = 320
MAX_PASSWORD_FIELD = 1024
MAX_TOKEN_FIELD = 128
MAX_CONTINUATION = 4096


class CredentialsForm(CamelModel):
    email: Text = Field(max_length=MAX_EMAIL_FIELD)
    password: str = Field(max_length=MAX_PASSWORD_FIELD)
    # Missing is refused as a mismatch (403), not as an incomplete form.
    csrf_token: str = Field(default="", max_length=MAX_TOKEN_FIELD)
    next: str = Field(default="", max_length=MAX_CONTINUATION)
    """Where to go once signed in: back into /authorize."""

    @property
    def credentials(self) -> tuple[str, str]:
        return self.email, self.password


MAX_ID_TOKEN_HINT = 8192
MAX_CLIENT_ID = 128
MAX_URI = 2048
MAX_STATE = 1024


class LogoutParameters(BaseModel):
    """The end-session endpoint's parameters (RP-Initiated Logout 1.0 section 2), by their
    OpenID Connect names; others (``logout_hint``, ``ui_locales``) are ignored."""

    id_token_hint: str = Field(default="", max_length=MAX_ID_TOKEN_HINT)
    client_id: str = Field(default="", max_length=MAX_CLIENT_ID)
    post_logout_redirect_uri: str = Field(default="", max_length=MAX_URI)
    state: str = Field(default="", max_length=MAX_STATE)

    def asked(self, confirmation_token: str | None = None) -> LogoutAsked:
        return LogoutAsked(
            id_token_hint=self.id_token_hint,
            client_id=self.client_id,
            post_logout_redirect_uri=self.post_logout_redirect_uri,
            state=self.state,
            confirmation_token=confirmation_token,
        )


class LogoutForm(LogoutParameters):
    """The same, posted: by a client, or by the confirmation page with its CSRF token."""

    csrf_token: str | None = Field(default=None, alias="csrfToken", max_length=MAX_TOKEN_FIELD)
