"""``trio-agent --trace``: each run's OpenTelemetry spans, kept in memory and printed as a tree to stderr after
the run (so the JSON on stdout stays as it is).

The spans go to a tracer provider of the command's own (``InstrumentationSettings(tracer_provider=...)`` given
to the agent), never to OpenTelemetry's global one; metrics are not recorded. OpenTelemetry is imported when
:meth:`RunTracing.start` is called, never by ``import trio_agent._cli.main``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .._exceptions import UserError
from .display import View

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from .._engine.result import AgentRunResult
    from .._otel.settings import InstrumentationSettings

__all__ = ["RunTracing", "TracedView"]

MISSING_OTEL = (
    "`--trace` needs OpenTelemetry's API and SDK, which are not installed: `pip install 'trio-agent[otel]'`, "
    "or leave `--trace` out."
)


class RunTracing:
    """The spans of the command's runs, in memory; :meth:`print_run` prints those of the run that just ended."""

    def __init__(self, provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
        from opentelemetry.metrics import NoOpMeterProvider

        from .._otel.settings import InstrumentationSettings

        self.provider = provider
        self.exporter = exporter
        self.settings: InstrumentationSettings = InstrumentationSettings(
            tracer_provider=provider, meter_provider=NoOpMeterProvider(), include_content=False
        )
        """What to give the agent as ``instrument=``."""

    @classmethod
    def start(cls) -> RunTracing:
        """A tracer provider exporting to memory. Raises ``UserError`` if OpenTelemetry is not installed."""
        try:
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        except ImportError as error:
            raise UserError(f"{MISSING_OTEL} ({error})") from None
        exporter = InMemorySpanExporter()
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        return cls(provider, exporter)

    def print_run(self) -> None:
        """Print the spans ended since the last call as a tree, to stderr, and forget them."""
        from .._otel.render import span_tree

        spans = self.exporter.get_finished_spans()
        self.exporter.clear()
        if spans:
            print(span_tree(spans), file=sys.stderr, flush=True)

    def close(self) -> None:
        self.provider.shutdown()


class TracedView(View):
    """``view``, then the run's span tree (:meth:`RunTracing.print_run`) whenever a run ends, however it ends."""

    def __init__(self, view: View, tracing: RunTracing) -> None:
        self.view = view
        self.tracing = tracing

    def note(self, text: str) -> None:
        self.view.note(text)

    def user(self, prompt: str) -> None:
        self.view.user(prompt)

    def event(self, event: Any) -> None:
        self.view.event(event)

    def finish(self, result: AgentRunResult[Any]) -> None:
        self.view.finish(result)
        self.tracing.print_run()

    def cancelled(self) -> None:
        self.view.cancelled()
        self.tracing.print_run()

    def error(self, exc: BaseException) -> None:
        self.view.error(exc)
        self.tracing.print_run()

    def close(self) -> None:
        self.view.close()
