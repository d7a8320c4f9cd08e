"""Connection URLs whose password comes from a file (the ``*_FILE`` convention of mounted
Secrets), for every service's settings: one rule, one set of error messages.

A URL either carries its password inline or names none and takes it from the file; never both.
The result is an ordinary URL for the driver (SQLAlchemy, PyMongo, redis-py all percent-decode
the password), so nothing downstream changes.
"""

from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import BaseModel


class CredentialConfigError(ValueError):
    """A password setting that cannot be used; the message names the variable, never the value."""


def read_password_file(path: Path, variable: str) -> str:
    """The password in `path` (the file `variable` names), without its trailing newline."""
    try:
        password = path.read_text("utf-8").rstrip("\r\n")
    except OSError as exc:
        raise CredentialConfigError(
            f"{variable}: cannot read {path}: {exc.strerror or exc}"
        ) from None
    if not password:
        raise CredentialConfigError(f"{variable}: {path} is empty")
    return password


def url_with_password(url: str, password: str, *, url_variable: str) -> str:
    """`url` with `password` (percent-encoded) as its password; `url` must name a user, or an
    empty one (``redis://@host``) where the server has a single password."""
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if not at:
        raise CredentialConfigError(
            f"{url_variable} names no user: write it as scheme://user@host/… (redis://@host/…)"
        )
    user, colon, _ = userinfo.partition(":")
    if colon:
        raise CredentialConfigError(
            f"{url_variable} carries a password and a password file is set too: give exactly one"
        )
    netloc = f"{user}:{quote(password, safe='')}@{hosts}"
    return urlunsplit(parts._replace(netloc=netloc))


def _variable(settings: BaseModel, field: str) -> str:
    prefix = str(settings.model_config.get("env_prefix", ""))
    return f"{prefix}{field}".upper()


def apply_password_file(settings: BaseModel, url_field: str, file_field: str) -> None:
    """Put the password in the file `file_field` names into the URL in `url_field`.

    Called from a settings class's ``model_validator(mode="after")``: the settings are frozen,
    so the URL is replaced during validation, before anything else can read it. Declare the URL
    field with ``Field(repr=False)`` so the settings never show the password.
    """
    file: Path | None = getattr(settings, file_field)
    if file is None:
        return
    url_variable, file_variable = _variable(settings, url_field), _variable(settings, file_field)
    url = url_with_password(
        getattr(settings, url_field),
        read_password_file(file, file_variable),
        url_variable=url_variable,
    )
    # frozen=True forbids assignment after validation; this is still validation.
    object.__setattr__(settings, url_field, url)


def without_password(url: str) -> str:
    """`url` with any password replaced by ``***``: for messages and logs."""
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    if not (at and colon):
        return url
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hosts}"))
