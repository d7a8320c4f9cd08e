"""The opt-in component components/service-nodeports, switched on exactly as docs/deploy.md
shows: its example overlay is read from the document and rendered (the
`with_service_nodeports` fixture in conftest; test_service_nodeports checks it)."""

import re
from pathlib import Path

from .paths import REPO

DEPLOY_DOC = REPO / "docs" / "deploy.md"
COMPONENT = "components/service-nodeports"


def documented_overlay() -> tuple[str, str]:
    """(path under deploy/k8s, kustomization text) of the documented example overlay: the
    YAML block of docs/deploy.md that lists the component, its first line naming its file."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", DEPLOY_DOC.read_text(), re.MULTILINE | re.DOTALL)
    (block,) = [b for b in blocks if COMPONENT in b]
    first, _, _ = block.partition("\n")
    path = re.fullmatch(r"# deploy/k8s/(overlays/[\w-]+)/kustomization\.yaml", first)
    assert path, f"the example's first line names no overlay: {first!r}"
    return path.group(1), block


def write_documented_overlay(k8s: Path) -> Path:
    """The documented overlay, written where the document puts it inside the copy `k8s`."""
    folder, text = documented_overlay()
    overlay = k8s / folder
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(text)
    return overlay
