"""A missing real dependency skips locally with one line, and fails in CI."""

import os

import pytest


def require(available: bool, reason: str) -> None:
    """Skip (locally) or fail (with CI=true) when a real dependency is missing."""
    if available:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: a missing dependency is a failure, not a skip)")
    pytest.skip(reason)
