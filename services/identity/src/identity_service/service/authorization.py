"""The authorization endpoint: who signed in, and what the protocol answers for them."""

from enum import StrEnum

from identity_service.domain import asks_to_create_account
from identity_service.ports import AuthorizationProtocol, ProtocolRequest, ProtocolResponse
from identity_service.service.forms import Accounts, signed_in


class Interaction(StrEnum):
    """The page the user goes through before the client gets its answer."""

    SIGN_IN = "sign-in"
    SIGN_UP = "sign-up"


async def authorize(
    protocol: AuthorizationProtocol,
    accounts: Accounts,
    request: ProtocolRequest,
    session_cookie: str | None,
) -> ProtocolResponse | Interaction:
    """The redirect to the client, or the page the user must go through first: sign-up
    when the client asked for it (``prompt=create``), else sign-in if not signed in."""
    prompt = next((value for name, value in request.query if name == "prompt"), None)
    if asks_to_create_account(prompt):
        # Signed in or not: the client asked for a new account, so the session of the
        # account this browser has does not answer it. The protocol still checks the
        # request (client, redirect URI, PKCE) before the page is shown.
        answer = await protocol.authorize(request, None)
        return Interaction.SIGN_UP if answer is None else answer
    answer = await protocol.authorize(request, await signed_in(accounts, session_cookie))
    return Interaction.SIGN_IN if answer is None else answer
