"""OpenTelemetry's SDK with in-memory exporters, for the instrumentation tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from trio_agent import InstrumentationSettings


class OpenSpans(SpanProcessor):
    """Every span started and not yet ended."""

    def __init__(self) -> None:
        self.open: dict[int, str] = {}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.open[span.context.span_id] = span.name

    def on_end(self, span: ReadableSpan) -> None:
        self.open.pop(span.context.span_id, None)


class Otel:
    """A tracer provider and a meter provider whose spans and metrics the test reads back."""

    def __init__(self, **settings: Any) -> None:
        self.exporter = InMemorySpanExporter()
        self.open_spans = OpenSpans()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(self.open_spans)
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])
        self.settings = InstrumentationSettings(
            tracer_provider=self.tracer_provider, meter_provider=self.meter_provider, **settings
        )
        self.tracer = self.tracer_provider.get_tracer("tests")

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, prefix: str) -> list[ReadableSpan]:
        return [s for s in self.spans if s.name.startswith(prefix)]

    def one(self, prefix: str) -> ReadableSpan:
        found = self.named(prefix)
        assert len(found) == 1, [s.name for s in self.spans]
        return found[0]

    def children(self, parent: ReadableSpan) -> list[ReadableSpan]:
        return sorted(
            (s for s in self.spans if s.parent is not None and s.parent.span_id == parent.context.span_id),
            key=lambda s: s.start_time or 0,
        )

    def clear(self) -> None:
        self.exporter.clear()

    def points(self, metric: str) -> list[HistogramDataPoint]:
        data = self.reader.get_metrics_data()
        found: list[HistogramDataPoint] = []
        for resource in data.resource_metrics if data is not None else ():
            for scope in resource.scope_metrics:
                for m in scope.metrics:
                    if m.name == metric:
                        found.extend(p for p in m.data.data_points if isinstance(p, HistogramDataPoint))
        return found


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def failed_with(span: ReadableSpan) -> str | None:
    """The exception type the span recorded (with status ERROR), or ``None`` if it did not fail."""
    if span.status.status_code is not StatusCode.ERROR:
        assert not [e for e in span.events if e.name == "exception"], span.name
        return None
    (event,) = [e for e in span.events if e.name == "exception"]
    kind = dict(event.attributes or {})["exception.type"]
    assert attrs(span)["error.type"] == str(kind).rsplit(".", 1)[-1]
    return str(kind).rsplit(".", 1)[-1]


def decoded(span: ReadableSpan, key: str) -> Any:
    return json.loads(attrs(span)[key])


def walk(otel: Otel, root: ReadableSpan, depth: int = 0) -> Iterator[tuple[int, str]]:
    yield depth, root.name
    for child in otel.children(root):
        yield from walk(otel, child, depth + 1)
