"""The identity service's ports implemented: SQL stores, argon2id, keys, authlib, metrics."""
