"""Framework-free requests and responses, as authlib's server reads and writes them."""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request  # type: ignore[import-untyped]

from identity_service.ports import ProtocolRequest, ProtocolResponse


class Headers(Mapping[str, str]):
    """Case-insensitive, as HTTP header names are (authlib looks up ``Authorization``)."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = {name.lower(): value for name, value in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._headers[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)


class Parameters(OAuth2Payload):  # type: ignore[misc]
    """The request's parameters: each name's first value, and all of them (a repeated
    parameter is an error authlib reports)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            self._datalist[name].append(value)
        self._data = {name: values[0] for name, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class OAuthRequest(OAuth2Request):  # type: ignore[misc]
    def __init__(self, request: ProtocolRequest) -> None:
        super().__init__(request.method, request.url, headers=Headers(request.headers))
        self.payload = Parameters([*request.query, *request.form])
        self._args = Parameters(request.query).data
        self._form = Parameters(request.form).data

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def protocol_response(
    status: int, body: Any, headers: Iterable[tuple[str, str]]
) -> ProtocolResponse:
    """authlib's (status, body, headers): a dict body is JSON."""
    if isinstance(body, dict):
        payload = orjson.dumps(body)
    elif isinstance(body, str):
        payload = body.encode()
    else:
        payload = bytes(body)
    return ProtocolResponse(status, payload, tuple((name, value) for name, value in headers))
