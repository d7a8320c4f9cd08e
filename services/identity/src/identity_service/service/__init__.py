"""The identity use cases: accounts and sign-in, login sessions, signing keys, the grants
the OAuth protocol hands out and redeems."""
