"""The order API's routers, one per resource."""
