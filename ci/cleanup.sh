#!/usr/bin/env bash
# Stage 9, cleanup: remove this machine's older images of each service, keeping the
# newest N build numbers (default 5), and prune dangling layers.
# Usage: ci/cleanup.sh [--keep N] [--dry-run]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

keep=5
while (($#)); do
  case "$1" in
    --keep) keep="$2"; shift 2 ;;
    --dry-run) shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
tool="${CONTAINER_TOOL:-docker}"

for service in "${SERVICES[@]}"; do
  image="$(image_of "$service")"
  # Build-number tags only (digits), newest first; sha and latest tags go with them.
  mapfile -t old < <(
    "$tool" image ls "$image" --format '{{.Tag}}' 2>/dev/null | grep -E '^[0-9]+$' | sort -rn | tail -n "+$((keep + 1))"
  )
  for tag in "${old[@]}"; do
    run "$tool" image rm "$image:$tag"
  done
done
run "$tool" image prune --force
