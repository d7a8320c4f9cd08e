"""shopstack's web gateway: one origin for the page and the services' APIs."""
