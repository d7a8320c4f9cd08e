"""The catalog's ports implemented on MongoDB or SQL, its page cache and its metrics."""
