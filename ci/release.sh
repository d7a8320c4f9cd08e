#!/usr/bin/env bash
# Release: for the tag v$(cat VERSION), with its section in CHANGELOG.md, build every image for
# linux/amd64 and linux/arm64 as one multi-arch image and push it, write a CycloneDX SBOM per
# image with Trivy, sign each image and attest its SBOM with cosign (by digest), sign the SBOM
# files themselves, and publish the changelog's section as the release notes.
# Usage: ci/release.sh --tag vX.Y.Z [--signing keyless|key] [--builder buildx|buildah]
#                      [--publish github|none] [--dry-run]
#   --signing keyless (GitHub Actions, its OIDC token) or key (COSIGN_KEY, e.g. from Jenkins).
#   --builder buildx (docker buildx, QEMU for the foreign arch) or buildah (a manifest list).
#   --publish github: a GitHub release (gh, GH_TOKEN) with the notes and the signed SBOMs;
#   none: the notes and SBOMs stay in $REPORTS_DIR/release/<tag>/ for the CI to archive.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

tag="${GITHUB_REF_NAME:-}"
signing=keyless
builder=buildx
publish=none
while (($#)); do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --signing) signing="$2"; shift 2 ;;
    --builder) builder="$2"; shift 2 ;;
    --publish) publish="$2"; shift 2 ;;
    --dry-run) shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ "$builder" == buildx || "$builder" == buildah ]] || die "unknown builder: $builder (buildx or buildah)"
[[ "$publish" == github || "$publish" == none ]] || die "unknown publish target: $publish (github or none)"
use_signing "$signing"

# Refused before anything is built: a tag that is not the version, or a version without notes.
[[ -n "$tag" ]] || die "no tag given: --tag v$SHOPSTACK_VERSION"
[[ "$tag" == "v$SHOPSTACK_VERSION" ]] \
  || die "tag $tag does not match VERSION: the release of $SHOPSTACK_VERSION is tagged v$SHOPSTACK_VERSION"
changelog="$REPO_ROOT/CHANGELOG.md"
[[ -f "$changelog" ]] || die "no CHANGELOG.md"
out="$REPORTS_DIR/release/$tag"
mkdir -p "$out/sbom"
# Keep a Changelog: the lines under "## [X.Y.Z] - YYYY-MM-DD", up to the next version's
# heading or the link definitions at the end.
awk -v heading="## [$SHOPSTACK_VERSION] - " '
  index($0, heading) == 1 && substr($0, length(heading) + 1) ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/ { inside = 1; next }
  inside && (/^## / || /^\[[^]]+\]: /) { exit }
  inside { print }
' "$changelog" | sed -e '/./,$!d' >"$out/notes.md"
grep -q '[^[:space:]]' "$out/notes.md" \
  || die "CHANGELOG.md has no section \"## [$SHOPSTACK_VERSION] - YYYY-MM-DD\" with notes for $tag"
log "release notes for $tag: $out/notes.md"

trivy="${TRIVY:-trivy}"
cosign="${COSIGN:-cosign}"
tool="${CONTAINER_TOOL:-docker}"

# The digest the registry gave the pushed multi-arch image (its index or manifest list).
pushed_digest() {
  local service="$1"
  if [[ "$DRY_RUN" == true ]]; then
    echo "$DRY_RUN_DIGEST"
  elif [[ "$builder" == buildx ]]; then
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["containerimage.digest"])' \
      "$out/$service.build.json"
  else
    cat "$out/$service.digest"
  fi
}

cd "$REPO_ROOT"
assets=("$out/notes.md")
for service in "${SERVICES[@]}"; do
  image="$(image_of "$service")"
  ref="$image:$SHOPSTACK_VERSION"
  mapfile -t build_args < <(build_args_of "$service")
  build_args+=(--build-arg "VERSION=$SHOPSTACK_VERSION" --build-arg "REVISION=$GIT_SHA")
  if [[ "$builder" == buildx ]]; then
    run "$tool" buildx build --file "$DOCKERFILE" "${build_args[@]}" --platform "$PLATFORMS" \
      --tag "$ref" --metadata-file "$out/$service.build.json" --push .
  else
    run buildah build --file "$DOCKERFILE" "${build_args[@]}" --platform "$PLATFORMS" \
      --manifest "$ref" .
    run buildah manifest push --all --digestfile "$out/$service.digest" "$ref" "docker://$ref"
  fi
  pinned="$image@$(pushed_digest "$service")"
  sbom="$out/sbom/$service.cdx.json"
  # One SBOM per image, read from its linux/amd64 variant: both variants install the same
  # packages from the same uv.lock (a variant's binary wheels differ, not their names or versions).
  run "$trivy" image --image-src remote --platform linux/amd64 --format cyclonedx \
    --output "$sbom" "$pinned"
  run "$cosign" sign --yes "${SIGNING_ARGS[@]}" "$pinned"
  run "$cosign" attest --yes "${SIGNING_ARGS[@]}" --type cyclonedx --predicate "$sbom" "$pinned"
  run "$cosign" sign-blob --yes "${SIGNING_ARGS[@]}" --bundle "$sbom.bundle" "$sbom"
  assets+=("$sbom" "$sbom.bundle")
  if [[ "$DRY_RUN" == true ]]; then log "dry run: $ref not built, pushed or signed"; else log "released $pinned ($PLATFORMS)"; fi
done

if [[ "$publish" == github ]]; then
  run gh release create "$tag" --verify-tag --title "shopstack $SHOPSTACK_VERSION" \
    --notes-file "$out/notes.md" "${assets[@]:1}"
fi
log "release $tag done; notes and SBOMs in $out"
