"""Write the dashboards; with --check, only tell whether the committed ones are stale."""

import sys

from . import OUTPUT, build_all, render, write_generated


def main(argv: list[str]) -> int:
    """Generate ../dashboards/*.json; returns the process exit status."""
    expected = {name: render(board) for name, board in build_all().items()}
    present = {path.name for path in OUTPUT.glob("*.json")}
    return write_generated(OUTPUT, expected, present, check="--check" in argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
