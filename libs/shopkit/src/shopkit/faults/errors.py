"""How the fault flags' failures are answered: problem+json, registered in every app."""

from pathlib import Path
from typing import Any

from shopkit.errors import ProblemType


class UnknownFaultFlagError(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no fault flag named {name}.")


class InvalidFaultValueError(Exception):
    def __init__(self, name: str, expected: str) -> None:
        super().__init__(f"The fault flag {name} takes a value {expected}.")


class FaultFlagsReadOnlyError(Exception):
    """The flags are not this process's to change: a read-only ConfigMap that flagd serves
    (Kubernetes), or no flag file configured at all."""

    def __init__(self, path: Path | None, cause: OSError | None = None) -> None:
        if path is None:
            where = "no flag file is configured (FAULTS_FLAG_FILE)"
        else:
            reason = cause.strerror if cause is not None else "read-only"
            where = f"the flag file {path} cannot be written ({reason})"
        super().__init__(
            where + ". Where flagd serves the flags, change them in its ConfigMap "
            "(kubectl -n shopstack edit configmap fault-flags)."
        )


FAULT_PROBLEMS: tuple[ProblemType[Any], ...] = (
    ProblemType(UnknownFaultFlagError, 404, "unknown-fault-flag", "Unknown fault flag", str),
    ProblemType(InvalidFaultValueError, 422, "invalid-fault-value", "Invalid fault value", str),
    ProblemType(FaultFlagsReadOnlyError, 409, "fault-flags-read-only", "Flags read-only", str),
)
