"""What /auth answers the page: who is signed in, never a token."""

from shopkit.schemas import CamelModel


class Me(CamelModel):
    """``{"signedIn": false}`` for a guest; who, their roles and the CSRF token otherwise."""

    signed_in: bool
    subject: str | None = None
    email: str | None = None
    roles: tuple[str, ...] | None = None
    csrf_token: str | None = None


class SignedOut(CamelModel):
    redirect_to: str
