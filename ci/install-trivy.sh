#!/usr/bin/env bash
# Install Trivy from its official GitHub release, pinned by version, the archive checked
# against the checksums file that release publishes.
# Usage: ci/install-trivy.sh [DEST_DIR]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version="${TRIVY_VERSION:-0.58.1}"
dest="${1:-/usr/local/bin}"
release="https://github.com/aquasecurity/trivy/releases/download/v${version}"
archive="trivy_${version}_Linux-64bit.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch_release_asset "$release" "$archive" "trivy_${version}_checksums.txt" "$work"
run tar -xzf "$work/$archive" -C "$work" trivy
run install -m 0755 "$work/trivy" "$dest/trivy"
