"""Assertions on HTTP answers, shared by the API tests."""

from typing import Any

import aiohttp

PROBLEM_JSON = "application/problem+json"


async def assert_problem(
    response: aiohttp.ClientResponse, status: int, *, fields: set[str] | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with `status`; `fields` are the bad fields it names."""
    body: dict[str, Any] = await response.json(content_type=None)
    assert response.status == status, body
    assert response.content_type == PROBLEM_JSON
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status
    assert body["instance"] == response.url.path
    if fields is not None:
        assert {error["field"] for error in body["errors"]} == fields, body["errors"]
    return body
