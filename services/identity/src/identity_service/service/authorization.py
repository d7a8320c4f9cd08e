"""The authorization endpoint: who signed in, and what the protocol answers for them."""

from identity_service.ports import AuthorizationProtocol, ProtocolRequest, ProtocolResponse
from identity_service.service.forms import Accounts, signed_in


async def authorize(
    protocol: AuthorizationProtocol,
    accounts: Accounts,
    request: ProtocolRequest,
    session_cookie: str | None,
) -> ProtocolResponse | None:
    """The redirect to the client, or None when the user must sign in first."""
    return await protocol.authorize(request, await signed_in(accounts, session_cookie))
