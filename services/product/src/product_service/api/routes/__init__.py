"""The product API's routers, one per resource."""
