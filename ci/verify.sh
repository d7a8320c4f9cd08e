#!/usr/bin/env bash
# Stage 8, health validation: `shopstack smoke` against the deployed gateway.
# Usage: ci/verify.sh --base-url URL [--issuer-url URL] [--prometheus-url URL]
# Its writes (the probe product and its stock) carry the token of the client
# SHOPSTACK_CLIENT_ID (default smoke), got by client credentials from the issuer
# (--issuer-url, or SHOPSTACK_ISSUER_URL) with the secret in SHOPSTACK_CLIENT_SECRET or in the
# file SHOPSTACK_CLIENT_SECRET_FILE names. The secret is never on the command line shown below.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

shopstack="${SHOPSTACK:-$REPO_ROOT/.venv/bin/shopstack}"
arguments=("$@" --client-id "${SHOPSTACK_CLIENT_ID:-smoke}")
if [[ -n "${SHOPSTACK_CLIENT_SECRET_FILE:-}" ]]; then
  arguments+=(--client-secret-file "$SHOPSTACK_CLIENT_SECRET_FILE")
fi
run "$shopstack" smoke "${arguments[@]}"
