"""A stand-in for cosign, which needs a registry (and, keyless, Fulcio and Rekor) that this
machine cannot reach: it records each call, answers `verify` with the payload cosign prints
for a verified image, and fails the verification of the images named in COSIGN_REFUSE."""

from pathlib import Path

import pytest

COSIGN = """#!/usr/bin/env bash
echo "cosign $*" >> {calls}
if [[ "$1" != verify ]]; then exit 0; fi
ref="${{@: -1}}"
name="${{ref%:*}}"
for refused in ${{COSIGN_REFUSE:-}}; do
  if [[ "${{name##*/}}" == "$refused" ]]; then
    echo "Error: no matching signatures: invalid signature" >&2
    exit 1
  fi
done
digest="sha256:$(printf '%s' "$name" | sha256sum | cut -d' ' -f1)"
critical='{{"identity":{{"docker-reference":"%s"}},"image":{{"docker-manifest-digest":"%s"}}}}'
printf "[{{\\"critical\\":$critical,\\"optional\\":null}}]\\n" "$name" "$digest"
"""


@pytest.fixture
def stand_in_cosign(tmp_path: Path) -> Path:
    """A directory holding the stand-in `cosign`; its calls go to calls.log beside it."""
    bin_dir = tmp_path / "cosign-bin"
    bin_dir.mkdir()
    cosign = bin_dir / "cosign"
    cosign.write_text(COSIGN.format(calls=bin_dir / "calls.log"))
    cosign.chmod(0o755)
    return bin_dir
