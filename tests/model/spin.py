"""Running spin on the saga model: generate the verifier, compile it, search, and read back
what it found (the figures of the search, or a counterexample as readable steps)."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from testkit.availability import require

MODEL = Path(__file__).resolve().parent / "saga.pml"
# Far above the deepest run of the model (about 360 steps), so a search is never cut short.
MAX_DEPTH = 100_000
# The largest search stores about 26 million states; COLLAPSE keeps that near 1.5 GB.
MEMORY_LIMIT_MB = 6_000

# What each assertion of the model stands for, by a piece of its text as spin prints it.
PROPERTIES = {
    "!(release_seen[o])": "a released order number took stock",
    "(stock[0]>=0)": "stock went negative",
    "(stock[s]>=0)": "stock went negative",
    "-stock[s])==": "stock taken differs from the confirmed quantities",
    "(status[c]!=PENDING)": "an order was left PENDING",
    "must_release[c]": "a cancelled order's stock was never given back",
    "reservation[c]==RESERVED": "a CONFIRMED order holds no reservation",
    "answered[c]": "an idempotent replay answered another order",
    "(o<3)": "more orders than the model's bound",
}


@dataclass(frozen=True)
class Bounds:
    """How much may go wrong in one run of the model (docs/orders.md, "Bounds")."""

    net_faults: int
    order_crashes: int
    give_ups: int = 0

    def defines(self) -> list[str]:
        return [
            f"-DNET_FAULTS={self.net_faults}",
            f"-DORDER_CRASHES={self.order_crashes}",
            f"-DGIVE_UPS={self.give_ups}",
        ]


@dataclass(frozen=True)
class Search:
    """What one search reported."""

    output: str
    errors: int
    states_stored: float
    seconds: float
    counterexample: list[str]

    @property
    def complete(self) -> bool:
        """Every reachable state was visited: no memory or depth bound cut the search."""
        return "reached -DMEMLIM bound" not in self.output and "max search depth too small" not in (
            self.output
        )


def _tools() -> tuple[str, str]:
    spin, gcc = shutil.which("spin"), shutil.which("gcc")
    require(spin is not None, "spin is not installed (apt-get install spin)")
    require(gcc is not None, "gcc is not installed")
    assert spin is not None
    assert gcc is not None
    return spin, gcc


def verify(
    workdir: Path,
    bounds: Bounds,
    *,
    mutation: str | None = None,
    ltl: str | None = None,
    optimise: bool = True,
    niceness: int = 0,
) -> Search:
    """Search every state of the model under `bounds`: for the assertions and invalid end
    states, or for the LTL formula `ltl` (acceptance cycles). `mutation` names a seeded
    fault of the model (an #ifdef in saga.pml); `niceness` lowers the compiler's and the
    search's CPU priority."""
    spin, gcc = _tools()
    nice = ["nice", "-n", str(niceness)] if niceness else []
    workdir.mkdir(parents=True, exist_ok=True)
    model = workdir / MODEL.name
    shutil.copyfile(MODEL, model)
    defines = bounds.defines() + ([f"-D{mutation}"] if mutation else [])
    subprocess.run([spin, *defines, "-a", model.name], cwd=workdir, check=True, capture_output=True)
    flags = ["-O2" if optimise else "-O0", f"-DMEMLIM={MEMORY_LIMIT_MB}", "-DCOLLAPSE"]
    if ltl is None:
        flags += ["-DSAFETY", "-DNOCLAIM"]
    subprocess.run(
        [*nice, gcc, *flags, "-o", "pan", "pan.c"], cwd=workdir, check=True, capture_output=True
    )
    run = [*nice, "./pan", f"-m{MAX_DEPTH}"] + (["-a", "-N", ltl] if ltl else [])
    output = subprocess.run(run, cwd=workdir, capture_output=True, text=True, check=False).stdout
    errors = int(_figure(r"errors: (\d+)", output))
    steps = _counterexample(spin, defines, workdir) if errors else []
    return Search(
        output,
        errors,
        _figure(r"([\d.e+]+) states, stored", output),
        _figure(r"elapsed time ([\d.e+]+) seconds", output),
        steps,
    )


def _figure(pattern: str, output: str) -> float:
    found = re.search(pattern, output)
    assert found, f"spin's output has no {pattern!r}:\n{output}"
    return float(found.group(1))


def _counterexample(spin: str, defines: list[str], workdir: Path) -> list[str]:
    """The trail spin wrote, replayed: the model's own narration of each step (its MSC
    lines), then the property that failed."""
    replay = subprocess.run(
        [spin, *defines, "-t", "-T", MODEL.name],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    steps = [line.removeprefix("MSC: ") for line in replay.splitlines() if line.startswith("MSC:")]
    failed = re.search(r"text of failed assertion: (.*)", replay)
    if failed:
        steps.append("VIOLATED: " + describe(failed.group(1)))
    elif "START OF CYCLE" in replay:
        steps.append("VIOLATED: the LTL property (the run ends in a cycle that breaks it)")
    else:
        steps.append("VIOLATED: an invalid end state (a process is blocked forever)")
    return steps


def describe(assertion: str) -> str:
    """The property an assertion of the model stands for."""
    compact = assertion.replace(" ", "")
    return next(
        (name for piece, name in PROPERTIES.items() if piece in compact), f"assert {assertion}"
    )
