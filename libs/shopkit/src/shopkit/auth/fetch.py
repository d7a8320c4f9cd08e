"""Small, bounded JSON requests to an issuer: a short timeout and a capped body."""

from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson

_CHUNK_BYTES = 16 * 1024


class FetchError(Exception):
    """The issuer gave no usable answer. The message names the URL and the cause only."""


async def fetch_json(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    timeout_seconds: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    **request: Any,
) -> Any:
    """The JSON body of a 200 answer, read up to `max_bytes`; FetchError otherwise."""
    # identity: a compressed body could inflate far past max_bytes before it is counted.
    sent_headers = {"Accept": "application/json", "Accept-Encoding": "identity", **(headers or {})}
    timeout = aiohttp.ClientTimeout(total=timeout_seconds)
    body = bytearray()
    try:
        async with session.request(
            method, url, headers=sent_headers, timeout=timeout, **request
        ) as response:
            if response.status != 200:
                raise FetchError(f"{url} answered {response.status}")
            if (response.content_length or 0) > max_bytes:
                raise FetchError(f"{url} answered more than {max_bytes} bytes")
            async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"{url} answered more than {max_bytes} bytes")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise FetchError(f"{url} is unreachable: {type(exc).__name__}") from exc
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise FetchError(f"{url} answered something that is not JSON") from exc
