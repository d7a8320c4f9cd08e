"""What the edge refuses from a request's head alone, and how it says so."""

from typing import Any

import orjson
import pytest

from shopkit.limits import EdgeLimits, Refusal
from shopkit.settings import ServiceSettings

LIMITS = EdgeLimits.of(ServiceSettings())


def scope(path: str = "/api/order", query: bytes = b"", headers: Any = ()) -> dict[str, Any]:
    return {
        "type": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"host", b"shop"), *headers],
    }


def slug_of(refusal: Refusal | None) -> str | None:
    return None if refusal is None else refusal.slug


def test_an_order_of_a_hundred_lines_passes_the_default_limits() -> None:
    head = scope(headers=[(b"content-length", b"8192"), (b"cookie", b"s=" + b"x" * 4000)])
    assert LIMITS.refusal_of_head(head) is None


@pytest.mark.parametrize(
    ("head", "slug"),
    [
        (scope(path="/api/" + "a" * 9000), "uri-too-long"),
        (scope(query=b"&".join([b"a=1"] * 10_000)), "uri-too-long"),
        (scope(query=b"&".join([b"a"] * 257)), "uri-too-long"),
        (
            scope(headers=[(b"x-%d" % n, b"1") for n in range(100)]),
            "request-header-fields-too-large",
        ),
        (scope(headers=[(b"x-big", b"a" * 17_000)]), "request-header-fields-too-large"),
        (scope(headers=[(b"content-length", b"104857600")]), "request-too-large"),
    ],
    ids=["long path", "10,000 parameters", "257 parameters", "101 fields", "17 KB", "100 MiB"],
)
def test_a_head_over_a_limit_is_refused_with_its_problem_type(
    head: dict[str, Any], slug: str
) -> None:
    assert slug_of(LIMITS.refusal_of_head(head)) == slug


def test_the_refusal_is_an_rfc_9457_problem_for_its_request() -> None:
    refusal = LIMITS.refusal_of_head(scope(headers=[(b"content-length", b"70000")]))
    assert refusal is not None
    assert orjson.loads(refusal.body("/api/order")) == {
        "type": "urn:shopstack:problem:request-too-large",
        "title": "Request too large",
        "status": 413,
        "detail": "The request body is larger than 65536 bytes.",
        "instance": "/api/order",
    }


def test_overload_says_when_to_try_again() -> None:
    refusal = EdgeLimits.of(ServiceSettings(overload_retry_after_seconds=3)).overloaded()
    assert (refusal.status, refusal.slug, dict(refusal.headers)) == (
        503,
        "service-unavailable",
        {"retry-after": "3"},
    )
