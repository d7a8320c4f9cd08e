"""shopstack product catalog service."""
