"""deploy/terraform parsed into plain Python, the same whichever `hcl2` is installed.

Two distributions install a module named `hcl2`: PyPI's python-hcl2 (v8: strings keep their
quotes, blocks carry `__is_block__`) and checkov's fork bc-python-hcl2 (every attribute value
wrapped in a one-element list, line numbers on blocks). Both are normalised here to: string
literals without quotes, expressions as `${...}`, blocks as lists of dicts, no metadata.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2  # type: ignore[import-untyped,unused-ignore]
from hcl2.api import load as parse_hcl  # type: ignore[import-untyped,unused-ignore]

from .paths import REPO

TERRAFORM = REPO / "deploy" / "terraform"
ROOTS = ("vm-microk8s", "aks")
MODULES = ("network", "labels")
# checkov's fork marks its output with line numbers and wraps every attribute value in a list.
WRAPS_VALUES = hasattr(hcl2, "START_LINE")
METADATA = {"__is_block__", "__start_line__", "__end_line__"}


def _unquote(text: str) -> str:
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('\\"', '"')
    return text


def normalise(value: Any) -> Any:
    """One parsed HCL value in the common shape (see the module's docstring)."""
    if isinstance(value, dict):
        return {_unquote(k): normalise(v) for k, v in value.items() if k not in METADATA}
    if isinstance(value, list):
        if WRAPS_VALUES and len(value) == 1 and not isinstance(value[0], dict):
            return normalise(value[0])
        return [normalise(item) for item in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


def load(path: Path) -> dict[str, list[Any]]:
    """One .tf file, normalised."""
    with path.open() as handle:
        parsed: dict[str, list[Any]] = normalise(parse_hcl(handle))
    return parsed


@dataclass(frozen=True)
class Block:
    """A labelled top-level block (resource, variable, output, module) and where it is."""

    kind: str
    labels: tuple[str, ...]
    body: dict[str, Any]
    file: Path

    @property
    def where(self) -> str:
        return f"{self.file.relative_to(TERRAFORM)}: {self.kind} {'.'.join(self.labels)}"


def _labelled(kind: str, entry: dict[str, Any], depth: int, file: Path) -> list[Block]:
    if depth == 0:
        return [Block(kind, (), entry, file)]
    found = []
    for label, inner in entry.items():
        for sub in _labelled(kind, inner, depth - 1, file):
            found.append(Block(kind, (label, *sub.labels), sub.body, file))
    return found


DEPTH = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1}


def blocks(kind: str, folder: Path = TERRAFORM) -> list[Block]:
    """Every `kind` block (resource, variable, ...) of every .tf file under folder."""
    found = []
    for path in sorted(folder.rglob("*.tf")):
        if ".terraform" in path.parts:
            continue
        for entry in load(path).get(kind, []):
            found.extend(_labelled(kind, entry, DEPTH[kind], path))
    return found


def terraform_settings(folder: Path) -> list[dict[str, Any]]:
    """The `terraform {}` blocks of one root or module (not of its subfolders)."""
    return [
        entry for path in sorted(folder.glob("*.tf")) for entry in load(path).get("terraform", [])
    ]


def references(expression: object) -> set[str]:
    """The var./local./module. names an expression reads, e.g. {"var.tags", "local.tags"}."""
    return set(
        re.findall(r"\b(?:var|local|module)\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?", str(expression))
    )
