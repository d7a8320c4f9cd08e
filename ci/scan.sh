#!/usr/bin/env bash
# Stage 6, Trivy: a full JSON report per image, then fail on unfixed HIGH/CRITICAL
# vulnerabilities; and a misconfiguration scan of the repository (the Dockerfile, manifests).
# Usage: ci/scan.sh [--dry-run] [--config-only] [--archives DIR]
#   --archives DIR: scan image tarballs (DIR/<service>.tar, e.g. from `buildah push …
#   docker-archive:`) for misconfigurations and secrets, where no registry or vulnerability
#   database can be reached, and write each image's CycloneDX SBOM to $SBOM_DIR/<service>.cdx.json
#   (default $REPORTS_DIR/sbom; Trivy needs no database for an SBOM).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

archives=""
config_only=false
while (($#)); do
  case "$1" in
    --archives) archives="$2"; shift 2 ;;
    --config-only) config_only=true; shift ;;
    --dry-run) shift ;;
    *) die "unknown argument: $1" ;;
  esac
done

trivy="${TRIVY:-trivy}"
# TRIVY_OFFLINE=true: use the checks and database already present (air-gapped runners).
offline_config=() offline=()
if [[ "${TRIVY_OFFLINE:-false}" == true ]]; then
  offline_config=(--skip-check-update)
  offline=(--skip-check-update --skip-db-update)
fi
sbom_dir="${SBOM_DIR:-$REPORTS_DIR/sbom}"
mkdir -p "$REPORTS_DIR"
[[ -z "$archives" ]] || mkdir -p "$sbom_dir"
cd "$REPO_ROOT"
run "$trivy" config "${offline_config[@]}" --exit-code 1 --severity HIGH,CRITICAL \
  --skip-dirs .venv --skip-dirs .tools --format table "$REPO_ROOT"
[[ "$config_only" == true ]] && exit 0
if [[ -n "$archives" ]]; then
  for service in "${SERVICES[@]}"; do
    run "$trivy" image "${offline[@]}" --input "$archives/$service.tar" \
      --scanners misconfig,secret --exit-code 1 --format json \
      --output "$REPORTS_DIR/trivy-$service.json"
    run "$trivy" image "${offline[@]}" --input "$archives/$service.tar" --format cyclonedx \
      --output "$sbom_dir/$service.cdx.json"
  done
  exit 0
fi
for service in "${SERVICES[@]}"; do
  image="$(image_of "$service"):$BUILD_NUMBER"
  run "$trivy" image "${offline[@]}" --format json --output "$REPORTS_DIR/trivy-$service.json" "$image"
  run "$trivy" image "${offline[@]}" --exit-code 1 --severity HIGH,CRITICAL --ignore-unfixed "$image"
done
