"""The browser and the `make up` stack the storefront tests share: a browser per module, one
stack for the run (each stack is five processes on a two-core machine)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from .browser import chromium
from .stack import Stack, make_up


# Per module, not per session: Playwright's sync API runs an event loop while it is open,
# and the async tests collected after this directory could not start their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture(scope="session")
def storefront(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """`make up`, with sign-in: the gateway at urls["gateway"], its sessions in the data dir."""
    workdir = tmp_path_factory.mktemp("storefront")
    with make_up(workdir / "data", workdir / "make-up.log") as running:
        yield running
