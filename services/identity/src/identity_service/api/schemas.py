"""The forms the sign-in and sign-up pages post."""

from pydantic import Field

from shopkit.schemas import CamelModel

# Bounds before the domain's rules: no request makes the service hash a megabyte.
MAX_EMAIL_FIELD = 320
MAX_PASSWORD_FIELD = 1024
MAX_TOKEN_FIELD = 128
MAX_CONTINUATION = 4096


class CredentialsForm(CamelModel):
    email: str = Field(max_length=MAX_EMAIL_FIELD)
    password: str = Field(max_length=MAX_PASSWORD_FIELD)
    # Missing is refused as a mismatch (403), not as an incomplete form.
    csrf_token: str = Field(default="", max_length=MAX_TOKEN_FIELD)
    next: str = Field(default="", max_length=MAX_CONTINUATION)
    """Where to go once signed in: back into /authorize."""

    @property
    def credentials(self) -> tuple[str, str]:
        return self.email, self.password
