#!/usr/bin/env bash
# Shared by the stage scripts: logging, dry runs, and the names every stage agrees on.
# shellcheck disable=SC2034  # the variables are read by the scripts that source this file

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(product inventory order gateway)
REGISTRY="${REGISTRY:-localhost:32000}"
BUILD_NUMBER="${BUILD_NUMBER:-local}"
GIT_SHA="${GIT_SHA:-$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}"
REPORTS_DIR="${REPORTS_DIR:-$REPO_ROOT/reports}"
DRY_RUN="${DRY_RUN:-false}"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Print the command, quoted only where the shell needs it, so it can be pasted and run;
# then run it, unless this is a dry run.
run() {
  local shown=() word
  for word in "$@"; do
    if [[ "$word" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then shown+=("$word"); else shown+=("$(printf '%q' "$word")"); fi
  done
  printf '+ %s\n' "${shown[*]}"
  if [[ "$DRY_RUN" != true ]]; then
    "$@"
  fi
}

# Each service's Dockerfile, relative to the repository root (the build context).
dockerfile_of() {
  case "$1" in
    gateway) echo "web/Dockerfile" ;;
    *) echo "services/$1/Dockerfile" ;;
  esac
}

image_of() { echo "$REGISTRY/$1"; }

parse_common_flags() {
  for argument in "$@"; do
    case "$argument" in
      --dry-run) DRY_RUN=true ;;
    esac
  done
}
