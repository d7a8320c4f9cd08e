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
# The release version's one place (tests/pipeline/test_release.py holds every package's
# pyproject version equal to it); a release tag is v$SHOPSTACK_VERSION.
read -r SHOPSTACK_VERSION <"$REPO_ROOT/VERSION"
# What a release builds every image for.
PLATFORMS="${PLATFORMS:-linux/amd64,linux/arm64}"
# The OIDC issuer of GitHub Actions' tokens, which keyless cosign signatures are bound to.
GITHUB_OIDC_ISSUER="https://token.actions.githubusercontent.com"

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

# Download `asset` of the release at URL `release` into `work`, with the checksums file
# `checksums` that release publishes, and check the asset against it (the pinned tools).
fetch_release_asset() {
  local release="$1" asset="$2" checksums="$3" work="$4"
  run curl --fail --silent --show-error --location --output "$work/$asset" "$release/$asset"
  run curl --fail --silent --show-error --location --output "$work/checksums.txt" \
    "$release/$checksums"
  if [[ "$DRY_RUN" != true ]]; then
    (cd "$work" && grep " ${asset}\$" checksums.txt | sha256sum --check --strict)
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

# cosign's signing options for a mode, into SIGNING_ARGS: `key` signs with COSIGN_KEY (a key
# file or KMS URI; cosign reads the key's password from COSIGN_PASSWORD), `keyless` with the
# CI's OIDC identity, certified by Fulcio and logged in Rekor.
SIGNING_ARGS=()
use_signing() {
  case "$1" in
    key)
      [[ "$DRY_RUN" == true || -n "${COSIGN_KEY:-}" ]] || die "--signing key needs COSIGN_KEY"
      SIGNING_ARGS=(--key "${COSIGN_KEY:-cosign.key}")
      ;;
    keyless) SIGNING_ARGS=() ;;
    *) die "unknown signing mode: $1 (key or keyless)" ;;
  esac
}

# A dry run cannot know what a push would answer; this stands for the digest in its commands.
DRY_RUN_DIGEST="sha256:$(printf '0%.0s' {1..64})"

parse_common_flags() {
  for argument in "$@"; do
    case "$argument" in
      --dry-run) DRY_RUN=true ;;
    esac
  done
}
