"""Only the public shop gets through: every listed route is forwarded to its service, and
everything else, in every spelling, is refused before it reaches one."""

import pytest

from gateway.public_routes import PUBLIC_API

from .stand_ins import Gateway, StandIn, send_raw

ORDER_NUMBER = "3f1c2a9e-4b7d-4e2a-9c1f-0a2b3c4d5e6f"
PRODUCT_ID = "65f0c0ffee0000000000beef"

FORWARDED = [
    ("product", "GET", "/api/product/allProducts?page=0&size=100"),
    ("product", "GET", "/api/product?skuCode=pixel_8,iphone_13"),
    ("product", "GET", f"/api/product/{PRODUCT_ID}"),
    ("product", "POST", "/api/product/create"),
    ("inventory", "GET", "/api/inventory?skuCode=pixel_8&skuCode=iphone_13"),
    ("inventory", "PUT", "/api/inventory/pixel_8"),
    ("order", "POST", "/api/order/create"),
    ("order", "GET", "/api/order?page=0&size=20"),
    ("order", "GET", f"/api/order/{ORDER_NUMBER}"),
    ("order", "POST", f"/api/order/{ORDER_NUMBER}/cancel"),
]

OFF_THE_LIST = [
    # The internal reservations API, by every method and shape.
    ("POST", "/api/inventory/reservations"),
    ("GET", f"/api/inventory/reservations/{ORDER_NUMBER}"),
    ("DELETE", f"/api/inventory/reservations/{ORDER_NUMBER}"),
    ("PUT", "/api/inventory/reservations"),
    # The services' own actuator and API documents, under /api or not.
    ("GET", "/api/product/actuator/prometheus"),
    ("GET", "/api/order/actuator/health"),
    ("GET", "/api/inventory/openapi.json"),
    ("GET", "/api/product/docs"),
    ("GET", "/api/order/redoc"),
    # Unlisted paths.
    ("GET", "/api/product/create/more"),
    ("GET", "/api/payments/1"),
    ("GET", "/api/identity/token"),
    ("GET", "/api/product/a/b"),
    # A parameter that is not what the route takes.
    ("GET", "/api/product/not-an-object-id"),
    ("GET", "/api/order/not-a-uuid"),
    ("GET", "/api/order/3f1c2a9e4b7d4e2a9c1f0a2b3c4d5e6f"),
    ("PUT", "/api/inventory/" + "x" * 65),
    ("GET", "/api/Product/allProducts"),
]

NON_CANONICAL = [
    "/api/order/..%2f..%2factuator/prometheus",
    "/api/order/..%2F..%2Factuator/prometheus",
    "/api/order/%2e%2e/%2e%2e/actuator/prometheus",
    "/api/order/%2E%2E/%2E%2E/actuator/prometheus",
    "/api/product/.%2e/.%2e/actuator/prometheus",
    "/api/product/%2e%2e%2factuator%2fprometheus",
    "/api/inventory/..%5c..%5cactuator%5cprometheus",
    "/api/inventory/..%5C..%5Cactuator%5Cprometheus",
    "/api/inventory/..\\..\\actuator\\prometheus",
    "/api/inventory/pixel_8\\",
    "/api/product/../../actuator/prometheus",
    "/api/order/../inventory/reservations",
    f"/api/inventory/./reservations/{ORDER_NUMBER}",
    "/api/product/./allProducts",
    "/api/product/.../allProducts",
    "/api/product//allProducts",
    "//api/product/allProducts",
    "/api/product/allProducts/",
    "/api/order/%00",
    "/api/product/allProducts%00",
    "/api/product/allProducts%00.json",
    "/api/order/..%252f..%252factuator/prometheus",
    "/api/order/%252e%252e/%252e%252e/actuator/prometheus",
    "/api/order/%25252e%25252e/actuator",
    "/api/product/%c0%ae%c0%ae/actuator/prometheus",
    "/api/product/%c0%af..%c0%afactuator",
    "/api/product/%e0%80%ae%e0%80%ae/actuator",
    "/api/order/..;/actuator/prometheus",
    "/api/product/allProducts;jsessionid=1",
    "/api/product/%61llProducts",
    "/api/inventory/pixel%5F8",
    f"/api/inventory/reservations%2f{ORDER_NUMBER}",
    "/api/product/caf%C3%A9",
]


def test_the_list_is_exactly_the_public_shop() -> None:
    listed = {
        (service, method, template)
        for service, routes in PUBLIC_API.items()
        for method, template in routes
    }
    assert listed == {
        ("product", "GET", "/api/product/allProducts"),
        ("product", "GET", "/api/product"),
        ("product", "GET", "/api/product/{id}"),
        ("product", "POST", "/api/product/create"),
        ("inventory", "GET", "/api/inventory"),
        ("inventory", "PUT", "/api/inventory/{skuCode}"),
        ("order", "POST", "/api/order/create"),
        ("order", "GET", "/api/order"),
        ("order", "GET", "/api/order/{orderNumber}"),
        ("order", "POST", "/api/order/{orderNumber}/cancel"),
    }


@pytest.mark.parametrize(("service", "method", "target"), FORWARDED)
def test_every_public_route_is_forwarded_to_its_service_as_sent(
    gateway: Gateway, stand_ins: dict[str, StandIn], service: str, method: str, target: str
) -> None:
    answer = send_raw(gateway.url, method, target)

    assert answer.status == 201, answer.body
    assert answer.json() == {"service": service}
    [call] = stand_ins[service].requests()
    path, _, query = target.partition("?")
    assert (call.method, call.raw_path, call.query) == (method, path.encode(), query)
    assert [name for name, s in stand_ins.items() if s.requests()] == [service]


# Listed paths asked with another method, and the methods the list has for them.
OTHER_METHOD = [
    ("DELETE", f"/api/product/{PRODUCT_ID}", "GET"),
    ("PATCH", f"/api/order/{ORDER_NUMBER}", "GET"),
    ("PUT", "/api/product/create", "POST"),
    ("POST", "/api/inventory", "GET"),
    ("DELETE", "/api/inventory/pixel_8", "PUT"),
    ("GET", f"/api/order/{ORDER_NUMBER}/cancel", "POST"),
    ("HEAD", "/api/product/allProducts", "GET"),
    ("OPTIONS", "/api/order/create", "POST"),
    ("TRACE", "/api/order", "GET"),
]


@pytest.mark.parametrize(("method", "target", "allowed"), OTHER_METHOD)
def test_a_listed_path_asked_with_another_method_is_a_405_naming_the_allowed_ones(
    gateway: Gateway, nothing_forwarded: None, method: str, target: str, allowed: str
) -> None:
    answer = send_raw(gateway.url, method, target)

    assert answer.status == 405
    assert answer.headers["allow"] == allowed
    if method != "HEAD":
        assert answer.content_type == "application/problem+json"
        assert answer.json()["type"] == "urn:shopstack:problem:method-not-allowed"


@pytest.mark.parametrize(("method", "target"), OFF_THE_LIST)
def test_a_route_off_the_list_is_a_404_problem_and_reaches_no_service(
    gateway: Gateway, nothing_forwarded: None, method: str, target: str
) -> None:
    answer = send_raw(gateway.url, method, target)

    assert answer.status == 404
    if method != "HEAD":
        assert answer.content_type == "application/problem+json"
        assert answer.json()["type"] == "urn:shopstack:problem:no-such-route"


@pytest.mark.parametrize("target", NON_CANONICAL)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_path_a_service_could_read_otherwise_is_refused_and_reaches_no_service(
    gateway: Gateway, nothing_forwarded: None, method: str, target: str
) -> None:
    answer = send_raw(gateway.url, method, target)

    assert answer.status in (400, 404), answer.body
    assert answer.content_type == "application/problem+json"
    assert answer.json()["status"] == answer.status


def test_a_refusal_says_what_is_wrong_with_the_path(
    gateway: Gateway, nothing_forwarded: None
) -> None:
    answer = send_raw(gateway.url, "GET", "/api/order/..%2f..%2factuator/prometheus")

    assert answer.status == 400
    problem = answer.json()
    assert problem["type"] == "urn:shopstack:problem:non-canonical-path"
    assert "canonical" in problem["detail"]


def test_an_unlisted_route_is_named_in_its_404(gateway: Gateway, nothing_forwarded: None) -> None:
    answer = send_raw(gateway.url, "DELETE", f"/api/inventory/reservations/{ORDER_NUMBER}")

    problem = answer.json()
    assert problem["type"] == "urn:shopstack:problem:no-such-route"
    assert problem["detail"] == (
        f"DELETE /api/inventory/reservations/{ORDER_NUMBER} is not a route of the shop."
    )


@pytest.mark.parametrize(
    "target",
    [
        "/actuator/prometheus",
        "/actuator/info",
        "/docs",
        "/redoc",
        "/openapi.json",
        "/api/../actuator/prometheus",
        "/%2e%2e/actuator/prometheus",
        "/static/..%2f..%2fapi/order",
        "/static/../../../etc/passwd",
    ],
)
def test_no_service_is_reached_outside_api(
    gateway: Gateway, nothing_forwarded: None, target: str
) -> None:
    answer = send_raw(gateway.url, "GET", target)

    assert answer.status in (400, 404), answer.body
