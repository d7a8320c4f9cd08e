"""``shopstack smoke --base-url URL [--issuer-url URL] [--client-id ID]
[--client-secret-file PATH] [--prometheus-url URL]``; the secret may be in
``SHOPSTACK_CLIENT_SECRET`` instead of a file, never on the command line."""

import argparse
import asyncio
import os
import sys
from pathlib import Path

from shopstack_cli.smoke import run_smoke
from shopstack_cli.tokens import SECRET_VARIABLE, ClientCredentials, TokenError, read_client_secret

DEFAULT_ISSUER = "http://127.0.0.1:8083"
"""The identity service as `make up` runs it."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shopstack", description="shopstack operator commands")
    commands = parser.add_subparsers(dest="command", required=True)
    smoke = commands.add_parser(
        "smoke", help="check a running deployment end to end; exit 1 on any failure"
    )
    smoke.add_argument("--base-url", required=True, help="the gateway, e.g. http://127.0.0.1:8000")
    smoke.add_argument(
        "--issuer-url",
        default=os.environ.get("SHOPSTACK_ISSUER_URL", DEFAULT_ISSUER),
        help="the token issuer; its token endpoint is discovered "
        "(default: $SHOPSTACK_ISSUER_URL, else %(default)s)",
    )
    smoke.add_argument(
        "--client-id",
        default=os.environ.get("SHOPSTACK_CLIENT_ID", "smoke"),
        help="the client whose token the writes carry (default: %(default)s)",
    )
    smoke.add_argument(
        "--client-secret-file",
        type=Path,
        help=f"the file holding the client's secret (or set {SECRET_VARIABLE})",
    )
    smoke.add_argument("--prometheus-url", help="also check that Prometheus sees every target up")
    smoke.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    arguments = parser.parse_args(argv)

    try:
        secret = read_client_secret(arguments.client_secret_file, os.environ)
    except TokenError as exc:
        parser.error(str(exc))
    credentials = (
        ClientCredentials(arguments.issuer_url, arguments.client_id, secret)
        if secret is not None
        else None
    )
    report = asyncio.run(
        run_smoke(
            arguments.base_url,
            credentials,
            arguments.prometheus_url,
            timeout_seconds=arguments.timeout,
        )
    )
    for line in report.passed:
        print(f"ok    {line}")
    for line in report.failed:
        print(f"FAIL  {line}")
    print(f"smoke: {len(report.passed)} passed, {len(report.failed)} failed")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
