"""The order service's store and its clients for the other services."""
