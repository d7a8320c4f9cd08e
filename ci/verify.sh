#!/usr/bin/env bash
# Stage 8, health validation: `shopstack smoke` against the deployed gateway.
# Usage: ci/verify.sh --base-url URL [--prometheus-url URL]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

shopstack="${SHOPSTACK:-$REPO_ROOT/.venv/bin/shopstack}"
run "$shopstack" smoke "$@"
