"""Deny by default: a route that does not state who may call it is found before start-up."""

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI

from shopkit.auth import (
    Anyone,
    Principal,
    SignedIn,
    UndeclaredAccessError,
    ensure_access_declared,
    public,
    role,
    service_scope,
    undeclared_routes,
)


async def current_admin(admin: Annotated[Principal, role("admin")]) -> str:
    return admin.subject


def demo_app() -> FastAPI:
    app = FastAPI()
    open_router = APIRouter(prefix="/open", dependencies=[public])

    @open_router.get("/listing")
    async def listing() -> None: ...

    @app.get("/catalogue")
    async def catalogue(caller: Anyone) -> None: ...

    @app.get("/me")
    async def me(caller: SignedIn) -> None: ...

    @app.delete("/products/{sku}", dependencies=[role("admin")])
    async def delete_product(sku: str) -> None: ...

    @app.post("/reservations", dependencies=[service_scope("inventory:reserve")])
    async def reserve() -> None: ...

    @app.put("/prices/{sku}")
    async def set_price(sku: str, admin: Annotated[str, Depends(current_admin)]) -> None: ...

    @app.api_route("/forgotten", methods=["GET", "POST"])
    async def forgotten() -> None: ...

    @app.get("/actuator/health")
    async def health() -> None: ...

    forgotten_router = APIRouter(prefix="/included")

    @forgotten_router.get("/forgotten")
    async def forgotten_in_a_router() -> None: ...

    app.include_router(open_router)
    app.include_router(forgotten_router)
    return app


def test_only_the_route_without_an_access_declaration_is_listed() -> None:
    assert undeclared_routes(demo_app()) == ["GET,POST /forgotten", "GET /included/forgotten"]


def test_an_app_with_an_undeclared_route_is_refused_naming_it() -> None:
    with pytest.raises(UndeclaredAccessError, match="/forgotten"):
        ensure_access_declared(demo_app())


def test_an_undeclared_route_of_an_included_router_is_refused() -> None:
    app = FastAPI()
    router = APIRouter(prefix="/api")

    @router.get("/open")
    async def open_by_mistake() -> None: ...

    app.include_router(router)

    with pytest.raises(UndeclaredAccessError, match="GET /api/open"):
        ensure_access_declared(app)


def test_an_app_whose_routes_all_declare_access_passes() -> None:
    app = FastAPI()

    @app.get("/me")
    async def me(caller: SignedIn) -> None: ...

    ensure_access_declared(app)
