import json
import logging

from opentelemetry import context, trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from shopkit.logging import JsonFormatter


def a_record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("shop.orders", logging.INFO, __file__, 1, "placed %s", ("x",), None)
    record.__dict__.update(extra)
    return record


def test_a_log_line_is_one_json_object_with_the_service_and_extra_fields() -> None:
    line = JsonFormatter("order").format(a_record(route="/api/order/create", status=201))

    entry = json.loads(line)
    assert "\n" not in line
    assert entry | {"timestamp": "t"} == {
        "timestamp": "t",
        "level": "INFO",
        "service": "order",
        "logger": "shop.orders",
        "message": "placed x",
        "route": "/api/order/create",
        "status": 201,
    }


def test_a_log_line_inside_a_span_carries_its_trace_and_span_ids() -> None:
    span = NonRecordingSpan(
        SpanContext(
            trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
            span_id=0x00F067AA0BA902B7,
            is_remote=False,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )
    )
    token = context.attach(trace.set_span_in_context(span))
    try:
        entry = json.loads(JsonFormatter("order").format(a_record()))
    finally:
        context.detach(token)

    assert entry["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert entry["span_id"] == "00f067aa0ba902b7"
