"""Traces with the OpenTelemetry SDK, exported by OTLP when an endpoint is configured.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set: then every service exports its spans
(FastAPI, aiohttp client, SQLAlchemy, PyMongo) and passes W3C trace context on.
"""

import logging
import os

from fastapi import FastAPI
from opentelemetry import trace

logger = logging.getLogger(__name__)

_enabled = False


def enabled() -> bool:
    """Whether this process exports traces."""
    return _enabled


def configure_tracing(service: str, version: str, sample_ratio: float) -> bool:
    """Install the process's tracer provider if an OTLP endpoint is configured.

    Root spans are sampled at `sample_ratio`; a span with a sampled parent always is.
    """
    global _enabled
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    )
    if not endpoint:
        return False
    # The SDK and exporter are imported only when traces are exported (~0.1 s of start-up).
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.version": version}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    # The exporter reads the endpoint (and headers, timeouts) from the standard variables.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _enabled = True
    logger.info("tracing on", extra={"otlp_endpoint": endpoint, "sample_ratio": sample_ratio})
    return True


def instrument_app(app: FastAPI) -> None:
    """Give every request a server span; probes and scrapes are left out."""
    if not _enabled:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    # One server span per request; the ASGI receive/send sub-spans only add noise.
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="/actuator/.*", exclude_spans=["receive", "send"]
    )


def current_trace_ids() -> tuple[str, str] | None:
    """(trace_id, span_id) of the current span, in W3C hex, when there is one."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def sampled_trace_id() -> str | None:
    """The current trace id, if the current span is sampled (for exemplars)."""
    context = trace.get_current_span().get_span_context()
    if not (context.is_valid and context.trace_flags.sampled):
        return None
    return format(context.trace_id, "032x")
