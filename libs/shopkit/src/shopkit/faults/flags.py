"""The fault flags: what each one does to which service, and their file in flagd's format
(https://flagd.dev/schema/v0/flags.json), which the services watch and the gateway writes."""

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopkit.faults.errors import (
    FaultFlagsReadOnlyError,
    InvalidFaultValueError,
    UnknownFaultFlagError,
)

FLAGD_SCHEMA = "https://flagd.dev/schema/v0/flags.json"
MAX_DELAY_MS = 30_000
"""Past any client's timeout: a longer delay shows nothing more, and holds connections."""

FlagValue = bool | int | float


@dataclass(frozen=True)
class FaultFlag:
    """One fault: its flag key, the service whose requests it changes, and its value type."""

    name: str
    service: str
    kind: type[bool] | type[int] | type[float]
    description: str

    @property
    def off(self) -> FlagValue:
        """The value that injects nothing: false, 0 or 0.0."""
        return self.kind()

    def validated(self, value: object) -> FlagValue:
        """`value` as this flag's type, or InvalidFaultValueError."""
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise InvalidFaultValueError(self.name, "true or false")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidFaultValueError(self.name, self._range)
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise InvalidFaultValueError(self.name, self._range)
            if not 0 <= value <= MAX_DELAY_MS:
                raise InvalidFaultValueError(self.name, self._range)
            return int(value)
        if not 0 <= value <= 1:
            raise InvalidFaultValueError(self.name, self._range)
        return float(value)

    @property
    def _range(self) -> str:
        return f"an integer from 0 to {MAX_DELAY_MS}" if self.kind is int else "from 0 to 1"


INVENTORY_LATENCY = FaultFlag(
    "inventoryLatencyMs", "inventory", int, "Delay every inventory API request by this many ms."
)
INVENTORY_ERRORS = FaultFlag(
    "inventoryErrorRatio", "inventory", float, "Answer this share of inventory API requests 500."
)
PRODUCT_UNAVAILABLE = FaultFlag(
    "productUnavailable", "product", bool, "Answer every product API request 503."
)
DATABASE_LATENCY = FaultFlag(
    "databaseLatencyMs", "inventory", int, "Delay each inventory database transaction by ms."
)
FLAGS: tuple[FaultFlag, ...] = (
    INVENTORY_LATENCY,
    INVENTORY_ERRORS,
    PRODUCT_UNAVAILABLE,
    DATABASE_LATENCY,
)
FLAGS_BY_NAME: Mapping[str, FaultFlag] = {flag.name: flag for flag in FLAGS}


def flag_named(name: str) -> FaultFlag:
    """The flag called `name`, or UnknownFaultFlagError."""
    try:
        return FLAGS_BY_NAME[name]
    except KeyError:
        raise UnknownFaultFlagError(name) from None


def flags_of(service: str) -> tuple[FaultFlag, ...]:
    """The flags that change `service`'s behaviour."""
    return tuple(flag for flag in FLAGS if flag.service == service)


def all_off() -> dict[str, FlagValue]:
    return {flag.name: flag.off for flag in FLAGS}


def flag_document(values: Mapping[str, FlagValue]) -> dict[str, Any]:
    """The flagd flag definitions for `values` (every flag; those not given are off).

    Each flag has an ``off`` variant and an ``on`` one holding the value; the default
    variant says which is in force, so flagd's own tools show a flag as switched on.
    """
    flags: dict[str, Any] = {}
    for flag in FLAGS:
        value = flag.validated(values.get(flag.name, flag.off))
        flags[flag.name] = {
            "state": "ENABLED",
            "variants": {"off": flag.off, "on": value if value != flag.off else _demo(flag)},
            "defaultVariant": "on" if value != flag.off else "off",
            "metadata": {"service": flag.service, "description": flag.description},
        }
    return {"$schema": FLAGD_SCHEMA, "flags": flags}


def _demo(flag: FaultFlag) -> FlagValue:
    """The ``on`` variant of a flag that is off: a value worth switching to by hand."""
    return {bool: True, int: 1000, float: 0.5}[flag.kind]


def values_in(document: Mapping[str, Any]) -> dict[str, FlagValue]:
    """Each flag's value in force in flagd flag definitions; off where missing or invalid."""
    values = all_off()
    definitions = document.get("flags")
    if not isinstance(definitions, Mapping):
        return values
    for flag in FLAGS:
        definition = definitions.get(flag.name)
        if not isinstance(definition, Mapping) or definition.get("state") != "ENABLED":
            continue
        variants = definition.get("variants")
        if not isinstance(variants, Mapping):
            continue
        try:
            values[flag.name] = flag.validated(variants.get(definition.get("defaultVariant")))
        except InvalidFaultValueError:
            continue
    return values


def read_flag_file(path: Path) -> dict[str, FlagValue]:
    """The values in force in the flag file; every flag off if it is missing or unreadable."""
    try:
        return values_in(json.loads(path.read_text()))
    except (OSError, ValueError):
        return all_off()


def write_flag_file(path: Path, values: Mapping[str, FlagValue]) -> None:
    """Replace the flag file at once (a temporary file renamed over it), so that a watching
    provider never reads half a file; FaultFlagsReadOnlyError where it cannot be written."""
    text = json.dumps(flag_document(values), indent=2) + "\n"
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".fault-flags-", dir=path.parent)
    except OSError as exc:
        raise FaultFlagsReadOnlyError(path, exc) from None
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise FaultFlagsReadOnlyError(path, exc) from None


def ensure_flag_file(path: Path) -> None:
    """Create the flag file with every flag off unless it exists: several services may start
    at once, and none must overwrite what an admin switched on."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".fault-flags-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(json.dumps(flag_document(all_off()), indent=2) + "\n")
        os.chmod(temporary, 0o644)
        # link() fails if the name exists: whoever comes first wins, atomically.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        Path(temporary).unlink(missing_ok=True)
