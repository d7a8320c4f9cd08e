"""shopstack inventory service."""
