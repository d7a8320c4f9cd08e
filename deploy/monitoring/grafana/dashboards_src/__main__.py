"""Write the dashboards; with --check, only tell whether the committed ones are stale."""

import sys

from . import OUTPUT, build_all, render


def main(argv: list[str]) -> int:
    """Generate ../dashboards/*.json; returns the process exit status."""
    check = "--check" in argv
    expected = {name: render(board) for name, board in build_all().items()}
    stale = sorted(
        name
        for name, text in expected.items()
        if not (OUTPUT / name).exists() or (OUTPUT / name).read_text() != text
    )
    unknown = sorted(p.name for p in OUTPUT.glob("*.json") if p.name not in expected)
    if check:
        for name in stale + unknown:
            print(f"stale: {OUTPUT / name}", file=sys.stderr)
        return 1 if stale or unknown else 0
    OUTPUT.mkdir(exist_ok=True)
    for name in stale:
        (OUTPUT / name).write_text(expected[name])
        print(f"wrote {OUTPUT / name}")
    for name in unknown:
        (OUTPUT / name).unlink()
        print(f"removed {OUTPUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
