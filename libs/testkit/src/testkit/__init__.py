"""Pytest fixtures shared by shopstack's test suites."""
