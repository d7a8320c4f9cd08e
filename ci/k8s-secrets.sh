#!/usr/bin/env bash
# Creates every git-ignored secret file a Kustomize overlay renders from: for each
# secrets/NAME.env.example in the overlay, in every overlay, base or component it builds on
# (its resources: and components: directories, followed recursively), secrets/NAME.env with
# - `KEY=` (an empty value in the example): a new random value, 64 hex characters (hex: the
#   services put passwords into connection URLs);
# - `KEY=value`: the value as it is (user names, hosts: not secret);
# - comments and blank lines: as they are.
# An existing file is never overwritten: only keys it lacks are appended (a new release's new
# credential), so a second run changes nothing. Files are mode 0600.
# Usage: ci/k8s-secrets.sh OVERLAY   (a name under deploy/k8s/overlays, or an overlay's path)
# make k8s-secrets OVERLAY=microk8s
set -euo pipefail

die() {
  echo "k8s-secrets: $*" >&2
  exit 1
}

(($# == 1)) || die "usage: $0 OVERLAY (microk8s, aks, … or a path to an overlay)"
if [[ -d "$1" ]]; then
  overlay="$1"
else
  overlay="$(dirname "${BASH_SOURCE[0]}")/../deploy/k8s/overlays/$1"
fi
[[ -f "$overlay/kustomization.yaml" ]] || die "no overlay at $overlay"

random_hex() {
  # 32 bytes from the kernel's CSPRNG; od, not openssl, so nothing beyond coreutils is needed.
  od -An -tx1 -N32 -v /dev/urandom | tr -d ' \n'
}

# The directories a kustomization lists (resources: and components: entries that are
# directories, not files or URLs), printed one per line as absolute paths.
listed_directories() {
  local dir="$1" entry
  while IFS= read -r entry; do
    [[ -d "$dir/$entry" && -f "$dir/$entry/kustomization.yaml" ]] && realpath "$dir/$entry"
  done < <(sed -nE 's/^[[:space:]]*-[[:space:]]+([^[:space:]:#]+)[[:space:]]*$/\1/p' \
    "$dir/kustomization.yaml")
  return 0
}

# Writes $target from $example, or appends to $target the keys of $example it lacks.
fill() {
  local example="$1" target="$2" line key value partial added=()
  if [[ ! -e "$target" ]]; then
    partial="$target.partial.$$"
    (
      umask 077
      while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ && -z "${BASH_REMATCH[2]}" ]]; then
          printf '%s=%s\n' "${BASH_REMATCH[1]}" "$(random_hex)"
        else
          printf '%s\n' "$line"
        fi
      done <"$example" >"$partial"
    )
    # Only a complete file gets the name Kustomize reads; -n: never over one made meanwhile.
    mv -n "$partial" "$target"
    rm -f "$partial"
    echo "created $target"
    return
  fi
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    grep -qE "^$key=" "$target" && continue
    [[ -n "$value" ]] || value="$(random_hex)"
    printf '%s=%s\n' "$key" "$value" >>"$target"
    added+=("$key")
  done <"$example"
  chmod 600 "$target"
  if ((${#added[@]})); then
    echo "added ${added[*]} to $target"
  else
    echo "kept $target"
  fi
}

declare -A seen=()
queue=("$(realpath "$overlay")")
while ((${#queue[@]})); do
  dir="${queue[0]}"
  queue=("${queue[@]:1}")
  [[ -z "${seen[$dir]:-}" ]] || continue
  seen[$dir]=1
  for example in "$dir"/secrets/*.env.example; do
    [[ -e "$example" ]] || continue
    fill "$example" "${example%.example}"
  done
  while IFS= read -r next; do
    queue+=("$next")
  done < <(listed_directories "$dir")
done
