"""OAuth 2.0 and OpenID Connect with authlib's server, adapted to the identity service.

authlib's server is synchronous and calls back into storage in the middle of a request
(query_client, query_authorization_code, save_token, ...). Each request runs in a worker
thread (anyio.to_thread), and its callbacks run the async ledger on the event loop with
anyio.from_thread.run: one async engine and pool for the whole service, and the event loop
never waits on authlib's work (parsing, signing).
"""
