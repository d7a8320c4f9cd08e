"""The identity service's HTTP interface: OAuth endpoints, discovery, the sign-in pages."""
