"""Who calls a service in its tests: Authorization headers with the test issuer's tokens."""

import pytest

from shopkit.auth import AuthSettings
from testkit.issuer import TestIssuer


def bearer(token: str) -> dict[str, str]:
    """The Authorization header that sends `token`."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def auth_settings(token_issuer: TestIssuer) -> AuthSettings:
    """The AUTH_* settings of an app that trusts the session's test issuer."""
    return AuthSettings(
        issuer=token_issuer.url, audience=token_issuer.audience, jwks_url=token_issuer.jwks_url
    )


@pytest.fixture
def admin_headers(token_issuer: TestIssuer) -> dict[str, str]:
    """An admin user's Authorization header: who may change the catalog and the stock."""
    return bearer(token_issuer.mint("ada", roles=["admin"]))


@pytest.fixture
def customer_headers(token_issuer: TestIssuer) -> dict[str, str]:
    """A signed-in customer's Authorization header: who may only read them."""
    return bearer(token_issuer.mint("carol", roles=["customer"]))
