"""Secrets handed over in files only their owner can read (mode 0600)."""

import os
import tempfile
from pathlib import Path


class OwnerOnlyFile:
    """The SecretFile port on the local file system."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @property
    def location(self) -> str:
        return str(self._path)

    def read(self) -> str | None:
        try:
            return self._path.read_text().strip()
        except FileNotFoundError:
            return None

    def write(self, secret: str) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        # Written in full beside the target, then renamed over it: a reader never sees half a
        # secret, and the file is 0600 before a byte of the secret is in it.
        descriptor, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".secret-")
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secret + "\n")
            os.replace(temporary, self._path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
