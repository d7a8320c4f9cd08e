"""The repository as git would commit it, for the project-level tests."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def committable_files() -> list[str]:
    """Tracked files and new ones git does not ignore, as paths relative to the root."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    return [name for name in listed if name]
