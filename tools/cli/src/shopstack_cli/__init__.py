"""shopstack's operator commands."""
