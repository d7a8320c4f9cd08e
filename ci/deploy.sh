#!/usr/bin/env bash
# Stage 7, deploy: apply a Kustomize overlay with this build's image tags, wait for every
# rollout, and roll back automatically when one fails.
# Usage: ci/deploy.sh --overlay microk8s|aks [--tag TAG] [--timeout 180s] [--dry-run]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

overlay=microk8s
tag="$BUILD_NUMBER"
timeout=180s
while (($#)); do
  case "$1" in
    --overlay) overlay="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --dry-run) shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
kubectl="${KUBECTL:-kubectl}"
namespace="${NAMESPACE:-shopstack}"
# K8S_DIR: a copy of deploy/k8s whose secrets/*.env files exist (they are never committed).
overlay_dir="${K8S_DIR:-$REPO_ROOT/deploy/k8s}/overlays/$overlay"
[[ -d "$overlay_dir" ]] || die "no overlay at $overlay_dir"

# A throw-away kustomization on top of the overlay pins this build's tags, so nothing
# committed is edited by a deploy.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  # Kustomize takes no absolute paths; LoadRestrictionsNone lets this one climb out.
  echo "resources: [\"$(realpath --relative-to="$work" "$overlay_dir")\"]"
  echo "images:"
  for service in "${SERVICES[@]}"; do
    echo "  - name: $(image_of "$service")"
    echo "    newTag: \"$tag\""
  done
} >"$work/kustomization.yaml"

"$kubectl" kustomize --load-restrictor LoadRestrictionsNone "$work" >"$work/manifest.yaml"
log "rendered $(grep -c '^kind:' "$work/manifest.yaml") objects from $overlay with tag $tag"
# The pinned images, for the build log.
grep -E '^ +image: ' "$work/manifest.yaml" | sort -u
run "$kubectl" apply --namespace "$namespace" -f "$work/manifest.yaml"

failed=()
for service in "${SERVICES[@]}"; do
  if ! run "$kubectl" rollout status "deployment/$service" --namespace "$namespace" --timeout "$timeout"; then
    failed+=("$service")
  fi
done
if ((${#failed[@]})); then
  for service in "${failed[@]}"; do
    run "$kubectl" rollout undo "deployment/$service" --namespace "$namespace"
  done
  die "rollout failed for ${failed[*]}; rolled back"
fi
log "deployed $tag to $overlay"
