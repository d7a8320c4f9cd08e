"""A real OTLP/HTTP receiver on loopback, decoding what the SDK's exporter sends."""

import base64
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from google.protobuf.json_format import MessageToDict
from oteltest.sink import HttpSink
from oteltest.sink.handler import RequestHandler

from testkit.network import free_port


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: str
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, Any]


class _Collecting(RequestHandler):  # type: ignore[misc]
    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()

    def handle_trace(self, request: Any, headers: Any) -> None:
        received = MessageToDict(request)
        spans = []
        for resource_spans in received.get("resourceSpans", []):
            resource = _attributes(resource_spans["resource"].get("attributes", []))
            for scope in resource_spans.get("scopeSpans", []):
                for span in scope.get("spans", []):
                    spans.append(
                        ReceivedSpan(
                            service=resource["service.name"],
                            name=span["name"],
                            kind=span.get("kind", ""),
                            trace_id=_hex(span["traceId"]),
                            span_id=_hex(span["spanId"]),
                            parent_span_id=_hex(span.get("parentSpanId", "")),
                            attributes=_attributes(span.get("attributes", [])),
                        )
                    )
        with self._lock:
            self.spans.extend(spans)

    def handle_metrics(self, request: Any, headers: Any) -> None:
        pass

    def handle_logs(self, request: Any, headers: Any) -> None:
        pass


def _hex(base64_id: str) -> str:
    # MessageToDict renders bytes fields as base64.
    return base64.b64decode(base64_id).hex() if base64_id else ""


def _attributes(raw: list[dict[str, Any]]) -> dict[str, Any]:
    return {item["key"]: next(iter(item["value"].values()), None) for item in raw}


class _LoopbackSink(HttpSink):  # type: ignore[misc]
    """oteltest's HTTP sink, bound to 127.0.0.1 instead of every interface."""

    def run_server(self) -> None:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                handle = sink.handlers.get(self.path)
                if handle:
                    handle(body, dict(self.headers.items()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.httpd = HTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.serve_forever()


@dataclass
class OtlpReceiver:
    endpoint: str
    _collecting: _Collecting

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self._collecting._lock:
            return list(self._collecting.spans)


@contextmanager
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """Receive OTLP/HTTP on a free loopback port; yields its endpoint and what arrived."""
    collecting = _Collecting()
    port = free_port()
    sink = _LoopbackSink(collecting, logging.getLogger("otlp-receiver"), port=port)
    sink.start()
    try:
        yield OtlpReceiver(f"http://127.0.0.1:{port}", collecting)
    finally:
        sink.stop()
