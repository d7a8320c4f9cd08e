"""shopstack order service."""
