"""shopstack identity service."""
