"""Start the model's exhaustive searches when their tests are collected (see searches.py)."""

import pytest

from .searches import BACKGROUND, SEARCHES


def pytest_collection_finish(session: pytest.Session) -> None:
    # After deselection (-k, -m): only the searches of the tests that will run.
    if session.config.option.collectonly:
        return
    for item in session.items:
        if item.name in SEARCHES:
            BACKGROUND.start(item.name)


def pytest_unconfigure() -> None:
    BACKGROUND.close()
