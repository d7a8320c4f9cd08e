#!/usr/bin/env bash
# Stage 2, environment check: every tool the later stages call, and the disk they need.
# Usage: ci/env-check.sh [--need python,uv,docker,kubectl] [--min-free-gb N]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need="python,uv,docker,kubectl"
min_free_gb=5
while (($#)); do
  case "$1" in
    --need) need="$2"; shift 2 ;;
    --min-free-gb) min_free_gb="$2"; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done

declare -A how_to_get=(
  [python]="Python 3.11: apt-get install python3.11, or pyenv install 3.11"
  [uv]="uv: pip install uv (or run 'make sync', which bootstraps it into .tools/)"
  [docker]="docker: https://docs.docker.com/engine/install/ (or set CONTAINER_TOOL=buildah)"
  [kubectl]="kubectl: snap install kubectl --classic, or microk8s kubectl"
)
declare -A version_of=(
  [python]="python3.11 --version"
  [uv]="uv --version"
  [docker]="${CONTAINER_TOOL:-docker} --version"
  [kubectl]="kubectl version --client"
)

missing=0
IFS=, read -r -a tools <<<"$need"
for tool in "${tools[@]}"; do
  [[ -n "${version_of[$tool]:-}" ]] || die "unknown tool: $tool"
  read -r -a command <<<"${version_of[$tool]}"
  if found="$("${command[@]}" 2>/dev/null | head -n 1)"; then
    log "ok      $tool: $found"
  else
    log "MISSING $tool — ${how_to_get[$tool]}"
    missing=$((missing + 1))
  fi
done

free_gb=$(($(df --output=avail -k "$REPO_ROOT" | tail -n 1) / 1024 / 1024))
if ((free_gb < min_free_gb)); then
  log "MISSING disk space: ${free_gb} GiB free under $REPO_ROOT, ${min_free_gb} GiB needed"
  missing=$((missing + 1))
else
  log "ok      disk: ${free_gb} GiB free"
fi

((missing == 0)) || die "$missing requirement(s) missing"
