"""The order service's store, its clients for the other services, and its metrics."""
