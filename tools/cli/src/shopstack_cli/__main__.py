"""``shopstack smoke --base-url URL [--prometheus-url URL]``."""

import argparse
import asyncio
import sys

from shopstack_cli.smoke import run_smoke


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shopstack", description="shopstack operator commands")
    commands = parser.add_subparsers(dest="command", required=True)
    smoke = commands.add_parser(
        "smoke", help="check a running deployment end to end; exit 1 on any failure"
    )
    smoke.add_argument("--base-url", required=True, help="the gateway, e.g. http://127.0.0.1:8000")
    smoke.add_argument("--prometheus-url", help="also check that Prometheus sees every target up")
    smoke.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    arguments = parser.parse_args(argv)

    report = asyncio.run(
        run_smoke(arguments.base_url, arguments.prometheus_url, timeout_seconds=arguments.timeout)
    )
    for line in report.passed:
        print(f"ok    {line}")
    for line in report.failed:
        print(f"FAIL  {line}")
    print(f"smoke: {len(report.passed)} passed, {len(report.failed)} failed")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
