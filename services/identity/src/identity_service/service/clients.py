"""The clients: the storefront (a backend for frontend: confidential with a secret, public
with PKCE only without one) and the services (confidential). Secrets are never fixed:
configured, or generated into a file the client reads too."""

import logging
import secrets

from identity_service.domain import Client, ClientKind, Role, digest
from identity_service.ports import SecretFile

logger = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 32
GENERATED_SECRET_BYTES = 32


class WeakClientSecretError(ValueError):
    pass


def client_secret(client_id: str, secret: str | None, secret_file: SecretFile | None) -> str | None:
    """The secret of client `client_id`: `secret`, or the one in `secret_file`, which is
    generated (and the file written, for the client that uses it) when the file does not
    exist; None with neither.

    WeakClientSecretError when the secret is shorter than MIN_SECRET_LENGTH.
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
    if secret is not None and len(secret) < MIN_SECRET_LENGTH:
        raise WeakClientSecretError(
            f"the secret of client {client_id} is shorter than {MIN_SECRET_LENGTH} characters"
        )
    return secret


def storefront(
    client_id: str,
    redirect_uris: tuple[str, ...],
    scopes: tuple[str, ...],
    post_logout_redirect_uris: tuple[str, ...] = (),
    secret: str | None = None,
    secret_file: SecretFile | None = None,
) -> Client:
    """The storefront's client: the code grant (PKCE S256 either way) and refresh.

    With a secret (`secret`, or the one in `secret_file`, generated as for the service
    clients) it is confidential and authenticates at the token and revocation endpoints;
    with neither it is public, as a client in the browser would be.
    """
    resolved = client_secret(client_id, secret, secret_file)
    if resolved is None:
        logger.info("client is public: it has no secret", extra={"client_id": client_id})
    return Client(
        client_id=client_id,
        kind=ClientKind.PUBLIC if resolved is None else ClientKind.CONFIDENTIAL,
        grant_types=frozenset({"authorization_code", "refresh_token"}),
        scopes=frozenset(scopes),
        redirect_uris=redirect_uris,
        secret_digest=digest(resolved) if resolved is not None else None,
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

    The secret is resolved as `client_secret` does. Without one the client is not
    declared: nobody can authenticate as it.
    """
    resolved = client_secret(client_id, secret, secret_file)
    if resolved is None:
        logger.info("client not enabled: it has no secret", extra={"client_id": client_id})
        return None
    return Client(
        client_id=client_id,
        kind=ClientKind.CONFIDENTIAL,
        grant_types=frozenset({"client_credentials"}),
        scopes=frozenset({scope}),
        secret_digest=digest(resolved),
        roles=roles,
    )
