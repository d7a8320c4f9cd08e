#!/usr/bin/env bash
# Stage 5, images: build each service's image from the one Dockerfile (its build args from
# lib.sh), tag it with the build number, the short git sha and latest, and push every tag to
# $REGISTRY (default localhost:32000).
# Usage: ci/image.sh [--dry-run] [--no-push]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

tool="${CONTAINER_TOOL:-docker}"
push=true
[[ " $* " == *" --no-push "* ]] && push=false
cd "$REPO_ROOT"
for service in "${SERVICES[@]}"; do
  image="$(image_of "$service")"
  mapfile -t build_args < <(build_args_of "$service")
  run "$tool" build --file "$DOCKERFILE" "${build_args[@]}" \
    --build-arg "VERSION=$BUILD_NUMBER" --build-arg "REVISION=$GIT_SHA" \
    --tag "$image:$BUILD_NUMBER" --tag "$image:$GIT_SHA" --tag "$image:latest" .
  if [[ "$push" == true ]]; then
    for tag in "$BUILD_NUMBER" "$GIT_SHA" latest; do
      run "$tool" push "$image:$tag"
    done
  fi
done
