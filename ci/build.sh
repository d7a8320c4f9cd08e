#!/usr/bin/env bash
# Stage 3, build: install exactly what uv.lock says (failing if it is stale), then build a
# wheel and an sdist per package.
# Usage: ci/build.sh [--package NAME] [--out DIR]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

package=""
out="$REPO_ROOT/dist"
while (($#)); do
  case "$1" in
    --package) package="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done

cd "$REPO_ROOT"
export UV_PYTHON_DOWNLOADS=never
uv="${UV:-$(command -v uv || echo "$REPO_ROOT/.tools/bin/uv")}"
run "$uv" sync --locked --all-packages
if [[ -n "$package" ]]; then
  run "$uv" build --package "$package" --out-dir "$out"
else
  run "$uv" build --all-packages --out-dir "$out"
fi
log "built into $out"
