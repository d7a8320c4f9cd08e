#!/usr/bin/env bash
# Stage 7, deploy: verify every image's cosign signature, apply a Kustomize overlay with this
# build's images pinned by the digests just verified, wait for every rollout, and roll back
# automatically when one fails. An image without a valid signature stops the deploy before
# anything is applied.
# Usage: ci/deploy.sh --overlay microk8s|aks [--tag TAG] [--timeout 180s] [--dry-run]
# Whose signature counts: COSIGN_PUBLIC_KEY (a public key file or KMS URI: the images signed by
# Jenkins with the matching key), else keyless, signed by a workflow of this repository in
# GitHub Actions (COSIGN_CERTIFICATE_IDENTITY_REGEXP, by default ci.yml on main or release.yml
# on a v* tag of $GITHUB_REPOSITORY, issued by GitHub's OIDC issuer).
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

cosign="${COSIGN:-cosign}"
if [[ -n "${COSIGN_PUBLIC_KEY:-}" ]]; then
  policy=(--key "$COSIGN_PUBLIC_KEY")
else
  repository_regexp="${GITHUB_REPOSITORY//./\\.}"
  identity="${COSIGN_CERTIFICATE_IDENTITY_REGEXP:-${GITHUB_REPOSITORY:+^https://github\.com/$repository_regexp/\.github/workflows/(ci\.yml@refs/heads/main|release\.yml@refs/tags/v.+)\$}}"
  [[ -n "$identity" ]] \
    || die "no signature policy: set COSIGN_PUBLIC_KEY, or GITHUB_REPOSITORY / COSIGN_CERTIFICATE_IDENTITY_REGEXP"
  policy=(--certificate-identity-regexp "$identity" --certificate-oidc-issuer "$GITHUB_OIDC_ISSUER")
fi

# cosign verify prints the verified signatures' payloads as one JSON array; the digest they
# sign is what gets deployed, so a tag moved after the check deploys nothing else.
verified_digest() {
  python3 -c '
import json, sys
payloads = json.loads(sys.stdin.read())
digests = {p["critical"]["image"]["docker-manifest-digest"] for p in payloads}
if len(digests) != 1:
    sys.exit(f"expected one signed digest, got {sorted(digests)}")
print(digests.pop())
'
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
declare -A digest_of
for service in "${SERVICES[@]}"; do
  ref="$(image_of "$service"):$tag"
  if [[ "$DRY_RUN" == true ]]; then
    run "$cosign" verify "${policy[@]}" "$ref"
    continue
  fi
  # Its printed command to the log, its answer (the verified payloads) kept apart.
  verified=true
  run "$cosign" verify "${policy[@]}" "$ref" >"$work/verify-$service.out" || verified=false
  grep '^+ ' "$work/verify-$service.out" || true
  [[ "$verified" == true ]] || die "the signature of $ref does not verify: nothing applied"
  digest_of[$service]="$(grep -v '^+ ' "$work/verify-$service.out" | verified_digest)" \
    || die "cosign verified no single digest for $ref: nothing applied"
  log "verified $ref: ${digest_of[$service]}"
done

# A throw-away kustomization on top of the overlay pins this build's tags and verified
# digests, so nothing committed is edited by a deploy.
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  # Kustomize takes no absolute paths; LoadRestrictionsNone lets this one climb out.
  echo "resources: [\"$(realpath --relative-to="$work" "$overlay_dir")\"]"
  echo "images:"
  for service in "${SERVICES[@]}"; do
    echo "  - name: $(image_of "$service")"
    echo "    newTag: \"$tag\""
    if [[ -n "${digest_of[$service]:-}" ]]; then echo "    digest: \"${digest_of[$service]}\""; fi
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
