"""The OpenAPI document of an app names every answer its routes can give."""

from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from shopkit.auth import AUTH_PROBLEMS, checked_elsewhere, public, role, signed_in
from shopkit.errors import PROBLEM_JSON, ProblemType
from shopkit.openapi import TOO_MANY_REQUESTS, document_responses, raises, with_answers


class SoldOutError(Exception):
    pass


class BusyError(Exception):
    pass


class NeverCataloguedError(Exception):
    pass


CATALOGUE: list[ProblemType[Any]] = [
    *AUTH_PROBLEMS,
    ProblemType(SoldOutError, 409, "sold-out", "Sold out"),
    ProblemType(BusyError, 409, "busy", "Busy", headers={"Retry-After": "1"}),
]


class Purchase(BaseModel):
    sku: str


def shop_app() -> FastAPI:
    app = FastAPI()
    router = APIRouter(prefix="/shop")

    @router.get("/items/{sku}", dependencies=[public])
    async def item(sku: str) -> dict[str, str]:
        return {"sku": sku}

    @router.post("/buy", dependencies=[signed_in], openapi_extra=raises(SoldOutError, BusyError))
    async def buy(purchase: Purchase) -> dict[str, str]:
        return {}

    @router.put("/stock", dependencies=[role("admin")])
    async def stock() -> None: ...

    @router.post("/token", dependencies=[checked_elsewhere])
    async def token() -> None: ...

    app.include_router(router)
    document_responses(app, CATALOGUE)
    return app


def responses(app: FastAPI, method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = app.openapi()["paths"][path][method]
    return dict(operation["responses"])


def types_of(response: dict[str, Any]) -> list[str]:
    schema = response["content"][PROBLEM_JSON]["schema"]
    return list(schema["allOf"][1]["properties"]["type"]["enum"])


def test_a_routes_domain_errors_share_one_problem_json_answer_per_status() -> None:
    conflict = responses(shop_app(), "post", "/shop/buy")["409"]

    assert types_of(conflict) == ["urn:shopstack:problem:busy", "urn:shopstack:problem:sold-out"]
    assert conflict["headers"]["Retry-After"]["required"] is False


def test_validation_errors_are_problem_json_not_fastapis_default() -> None:
    app = shop_app()
    invalid = responses(app, "post", "/shop/buy")["422"]

    assert list(invalid["content"]) == [PROBLEM_JSON]
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]
    assert "errors" in app.openapi()["components"]["schemas"]["Problem"]["properties"]


def test_a_json_body_can_be_malformed_and_any_request_too_large() -> None:
    app = shop_app()

    assert "400" in responses(app, "post", "/shop/buy")
    assert "400" not in responses(app, "get", "/shop/items/{sku}")
    assert {"408", "413", "414", "431", "503"} <= set(responses(app, "get", "/shop/items/{sku}"))


def test_who_may_call_decides_401_and_403() -> None:
    app = shop_app()

    assert {"401", "403"} <= set(responses(app, "put", "/shop/stock"))
    assert "401" in responses(app, "post", "/shop/buy")
    assert "403" not in responses(app, "post", "/shop/buy")
    assert "403" not in responses(app, "get", "/shop/items/{sku}")
    assert not {"401", "403"} & set(responses(app, "post", "/shop/token"))


def test_a_token_is_optional_on_a_public_route_but_must_be_valid_if_sent() -> None:
    app = shop_app()
    operation = app.openapi()["paths"]["/shop/items/{sku}"]["get"]

    assert operation["security"][0] == {}
    assert "401" in operation["responses"]


def test_overload_answers_tell_when_to_retry() -> None:
    unavailable = responses(shop_app(), "get", "/shop/items/{sku}")["503"]

    assert unavailable["headers"]["Retry-After"]["required"] is True


def test_a_proxy_in_front_adds_its_answers_to_a_copy() -> None:
    app = shop_app()
    proxied = with_answers(app.openapi(), [TOO_MANY_REQUESTS], methods=["post"])

    assert "429" in proxied["paths"]["/shop/buy"]["post"]["responses"]
    assert "429" not in proxied["paths"]["/shop/items/{sku}"]["get"]["responses"]
    assert "429" not in responses(app, "post", "/shop/buy")


def test_a_route_that_raises_an_uncatalogued_error_stops_the_app() -> None:
    app = FastAPI()

    @app.get("/odd", dependencies=[public], openapi_extra=raises(NeverCataloguedError))
    async def odd() -> None: ...

    with pytest.raises(LookupError, match="NeverCataloguedError"):
        document_responses(app, CATALOGUE)
