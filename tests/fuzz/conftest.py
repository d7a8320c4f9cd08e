"""One running stack for the fuzz suite, and the OpenAPI documents it is held to."""

from collections.abc import Callable, Iterator

import pytest

from .stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack(
    mariadb_database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with running_stack(mariadb_database_factory, tmp_path_factory.mktemp("fuzz")) as running:
        yield running
