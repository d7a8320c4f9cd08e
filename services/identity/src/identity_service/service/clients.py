"""The clients: the storefront (public, PKCE) and the services (confidential), whose
secrets are never fixed: configured, or generated into a file the service reads too."""

import logging
import secrets

from identity_service.domain import Client, ClientKind, Role, digest
from identity_service.ports import SecretFile

logger = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 32
GENERATED_SECRET_BYTES = 32


class WeakClientSecretError(ValueError):
    pass


def storefront(
    client_id: str,
    redirect_uris: tuple[str, ...],
    scopes: tuple[str, ...],
    post_logout_redirect_uris: tuple[str, ...] = (),
) -> Client:
    return Client(
        client_id=client_id,
        kind=ClientKind.PUBLIC,
        grant_types=frozenset({"authorization_code", "refresh_token"}),
        scopes=frozenset(scopes),
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
    )


def service_client(
    client_id: str,
    scope: str,
    secret: str | None,
    secret_file: SecretFile | None,
    roles: frozenset[Role] = frozenset(),
) -> Client | None:
    """The confidential client `client_id`, knowing only its secret's digest; its tokens
    carry `roles`.

    The secret is `secret`, or the one in `secret_file`, which is generated (and the file
    written, for the service that uses it) when the file does not exist. With neither, the
    client is not declared: nobody can authenticate as it.
    """
    if secret is None and secret_file is not None:
        secret = secret_file.read()
        if secret is None:
            secret = secrets.token_urlsafe(GENERATED_SECRET_BYTES)
            secret_file.write(secret)
            logger.info(
                "client secret generated",
                extra={"client_id": client_id, "secret_file": secret_file.location},
            )
    if secret is None:
        logger.info("client not enabled: it has no secret", extra={"client_id": client_id})
        return None
    if len(secret) < MIN_SECRET_LENGTH:
        raise WeakClientSecretError(
            f"the secret of client {client_id} is shorter than {MIN_SECRET_LENGTH} characters"
        )
    return Client(
        client_id=client_id,
        kind=ClientKind.CONFIDENTIAL,
        grant_types=frozenset({"client_credentials"}),
        scopes=frozenset({scope}),
        secret_digest=digest(secret),
        roles=roles,
    )
