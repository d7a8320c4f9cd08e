#!/usr/bin/env bash
# Stage 5, after the push: sign this build's images with cosign, by the digest the registry
# holds for each tag, so ci/deploy.sh (which deploys nothing unsigned) can verify them.
# Usage: ci/sign.sh --signing keyless|key [--tag TAG] [--dry-run]
#   keyless: GitHub Actions' OIDC identity (the job needs id-token: write); key: COSIGN_KEY
#   (a key file or KMS URI) with its password in COSIGN_PASSWORD, e.g. from Jenkins credentials.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

signing=""
tag="$BUILD_NUMBER"
while (($#)); do
  case "$1" in
    --signing) signing="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --dry-run) shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n "$signing" ]] || die "usage: ci/sign.sh --signing keyless|key [--tag TAG]"
use_signing "$signing"
tool="${CONTAINER_TOOL:-docker}"
cosign="${COSIGN:-cosign}"

for service in "${SERVICES[@]}"; do
  image="$(image_of "$service")"
  if [[ "$DRY_RUN" == true ]]; then
    digest="$DRY_RUN_DIGEST"
  else
    # The pushed tag's digest in this registry (a tag alone could be moved before cosign reads it).
    pinned="$("$tool" image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$image:$tag" \
      | grep -m 1 "^$image@sha256:")" || die "$image:$tag has no digest in $REGISTRY: was it pushed?"
    digest="${pinned#"$image@"}"
  fi
  run "$cosign" sign --yes "${SIGNING_ARGS[@]}" "$image@$digest"
done
