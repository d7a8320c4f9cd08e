"""The clients, declared by configuration: the storefront and the services."""

from collections.abc import Iterable

from identity_service.domain import Client


class DeclaredClients:
    """The ClientRegistry port over the clients configuration declares."""

    def __init__(self, clients: Iterable[Client]) -> None:
        self._clients = {client.client_id: client for client in clients}

    def get(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)
