"""Every route that reads a JSON body refuses an ambiguous one (a key named twice, NaN)."""

import pytest
from fastapi import FastAPI, params
from fastapi.routing import APIRoute, iter_route_contexts

from gateway.main import create_app as create_gateway
from identity_service.main import create_app as create_identity
from inventory_service.main import create_app as create_inventory
from order_service.main import create_app as create_order
from product_service.main import create_app as create_product
from shopkit.routing import StrictJsonRoute

APPS = {
    "product": create_product,
    "inventory": create_inventory,
    "order": create_order,
    "identity": create_identity,
    "gateway": create_gateway,
}


def _json_body_routes(app: FastAPI) -> list[APIRoute]:
    # FastAPI keeps included routers nested: their routes are reached through the contexts.
    routes = [context.original_route for context in iter_route_contexts(app.routes)]
    return [
        route
        for route in routes
        if isinstance(route, APIRoute)
        and route.body_field is not None
        and not isinstance(route.body_field.field_info, params.Form)
    ]


@pytest.mark.parametrize("service", APPS)
def test_every_route_with_a_json_body_parses_it_strictly(service: str) -> None:
    routes = _json_body_routes(APPS[service]())

    assert [r.path for r in routes if not isinstance(r, StrictJsonRoute)] == []


def test_the_services_do_read_json_bodies() -> None:
    # The check above must not pass for want of routes to check.
    assert all(_json_body_routes(APPS[service]()) for service in ("product", "order", "gateway"))
