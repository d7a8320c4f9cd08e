#!/usr/bin/env bash
# Install cosign from its official GitHub release, pinned by version, the binary checked
# against the checksums file that release publishes.
# Usage: ci/install-cosign.sh [DEST_DIR]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version="${COSIGN_VERSION:-2.4.1}"
dest="${1:-/usr/local/bin}"
release="https://github.com/sigstore/cosign/releases/download/v${version}"
binary="cosign-linux-amd64"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch_release_asset "$release" "$binary" cosign_checksums.txt "$work"
run install -m 0755 "$work/$binary" "$dest/cosign"
