"""Switching the shop's fault flags: signed-in admins only, through their browser session.

The gateway writes the flag file every service's OpenFeature provider watches
(FAULTS_FLAG_FILE, shopkit.faults). Where flagd serves the flags from a ConfigMap
(Kubernetes), the gateway reads the same ConfigMap mounted read-only and a write answers
409: the cluster's RBAC, not the shop's sign-in, decides who edits it.
"""

import asyncio
import os
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field, StrictBool, StrictFloat, StrictInt

from gateway.auth.domain import Session
from gateway.auth.errors import SessionExpiredError
from gateway.deps import BrowserSession, Gateway
from shopkit.auth import AccessDeclaration, AccessDeniedError
from shopkit.faults import (
    FLAGS,
    FaultFlag,
    FaultFlagsReadOnlyError,
    FaultSettings,
    FlagValue,
    flag_named,
    read_flag_file,
    write_flag_file,
)
from shopkit.routing import StrictJsonRoute
from shopkit.schemas import CamelModel

ADMIN = "admin"
# Two admins switching at once must not lose one switch (read, change, write).
_switching = asyncio.Lock()


class _AdminSession(AccessDeclaration):
    """A signed-in browser whose user has the admin role; writes pass the CSRF checks."""

    async def __call__(self, lookup: BrowserSession, gateway: Gateway) -> Session:
        if lookup.stale:
            raise SessionExpiredError(gateway.accounts.cookies.clear_session())
        if lookup.session is None or ADMIN not in lookup.session.user.roles:
            raise AccessDeniedError("sign in as an admin to see or switch the fault flags")
        return lookup.session


AdminSession = Annotated[Session, Depends(_AdminSession())]


class FaultFlagView(CamelModel):
    name: str
    service: str
    description: str
    value: FlagValue
    active: bool


class FaultFlagsView(CamelModel):
    flags: list[FaultFlagView]
    writable: bool = Field(description="False where flagd's ConfigMap holds the flags")


class FaultFlagChange(CamelModel):
    # Strict: "yes" or "1" are refused, not read as true.
    value: StrictBool | StrictInt | StrictFloat = Field(description="false/0 switches it off")


router = APIRouter(prefix="/admin/faults", tags=["fault flags"], route_class=StrictJsonRoute)


def _view(flag: FaultFlag, value: FlagValue) -> FaultFlagView:
    return FaultFlagView(
        name=flag.name,
        service=flag.service,
        description=flag.description,
        value=value,
        active=value != flag.off,
    )


def _writable(directory: Path) -> bool:
    return directory.is_dir() and os.access(directory, os.W_OK)


@router.get("")
async def list_fault_flags(admin: AdminSession) -> FaultFlagsView:
    """Every fault flag, its target service and the value in force."""
    settings = FaultSettings()
    # File I/O off the event loop: a slow disk must not stall every other request.
    values = (
        await asyncio.to_thread(read_flag_file, settings.flag_file) if settings.flag_file else {}
    )
    return FaultFlagsView(
        flags=[_view(flag, values.get(flag.name, flag.off)) for flag in FLAGS],
        # A ConfigMap is mounted read-only: the gateway shows the flags but cannot write them.
        writable=settings.flag_file is not None and _writable(settings.flag_file.parent),
    )


@router.put("/{name}")
async def switch_fault_flag(
    name: str, change: FaultFlagChange, admin: AdminSession
) -> FaultFlagView:
    """Set one flag; every service sees it within a second. 409 where the flags are flagd's."""
    flag = flag_named(name)
    value = flag.validated(change.value)
    settings = FaultSettings()
    if settings.flag_file is None:
        raise FaultFlagsReadOnlyError(None)
    async with _switching:
        values = await asyncio.to_thread(read_flag_file, settings.flag_file)
        await asyncio.to_thread(write_flag_file, settings.flag_file, values | {flag.name: value})
    return _view(flag, value)
