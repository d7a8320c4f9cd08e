"""The storefront's sign-in: the gateway as an OpenID Connect client that keeps the tokens
and gives the browser only a session cookie (OAuth 2.0 for Browser-Based Apps, the
backend-for-frontend pattern)."""
