#!/usr/bin/env bash
# Shared by the stage scripts: logging, dry runs, and the names every stage agrees on.
# shellcheck disable=SC2034  # the variables are read by the scripts that source this file

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(product inventory order identity gateway)
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

# Every image is built from this one Dockerfile, with the repository root as the build context;
# a service's build args (below) make it that service's image.
DOCKERFILE="deploy/images/Dockerfile"
# service  package  project-dir  module  port  description (the rest of the line)
IMAGES=(
  "product product-service services/product product_service 8080 shopstack product catalog service"
  "inventory inventory-service services/inventory inventory_service 8081 shopstack inventory service"
  "order order-service services/order order_service 8082 shopstack order service"
  "identity identity-service services/identity identity_service 8083 shopstack identity service"
  "gateway web-gateway web gateway 8000 shopstack storefront and API gateway"
)

# The --build-arg options of a service's image, one word a line (for mapfile -t).
build_args_of() {
  local spec service package project module port description
  for spec in "${IMAGES[@]}"; do
    read -r service package project module port description <<<"$spec"
    [[ "$service" == "$1" ]] || continue
    printf -- '--build-arg\n%s\n' "PACKAGE=$package" "PROJECT_DIR=$project" "MODULE=$module" \
      "PORT=$port" "TITLE=shopstack-$service" "DESCRIPTION=$description"
    return
  done
  die "no image for service $1"
}

image_of() { echo "$REGISTRY/$1"; }

parse_common_flags() {
  for argument in "$@"; do
    case "$argument" in
      --dry-run) DRY_RUN=true ;;
    esac
  done
}
