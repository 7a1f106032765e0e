"""``InstrumentationSettings``: where a run's spans and metrics go, and what they record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .._exceptions import UserError

if TYPE_CHECKING:
    from opentelemetry.metrics import Histogram, Meter, MeterProvider
    from opentelemetry.trace import Tracer, TracerProvider

__all__ = ["DEFAULT_INSTRUMENTATION_VERSION", "InstrumentationSettings", "require_otel"]

DEFAULT_INSTRUMENTATION_VERSION: Literal[5] = 5
"""The span format runs use unless told otherwise (the reference API's current default)."""

SCOPE_NAME = "trio-agent"

# The GenAI semantic conventions' advice for `gen_ai.client.token.usage`.
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)
# ... and for the durations (`gen_ai.client.operation.duration`, time to first chunk), in seconds.
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)


def require_otel() -> None:
    """Raise ``UserError`` naming the extra to install if OpenTelemetry's API and SDK are not importable."""
    try:
        import opentelemetry.metrics
        import opentelemetry.trace  # noqa: F401
    except ImportError as error:
        raise UserError(
            "Instrumentation needs OpenTelemetry, which is not installed: `pip install 'trio-agent[otel]'` "
            f"(opentelemetry-api and opentelemetry-sdk). ({error})"
        ) from None


class InstrumentationSettings:
    """Where an instrumented run's spans and metrics go, and what they record.

    Pass to ``Agent(instrument=...)``, ``Agent.instrument_all(...)`` or ``Instrumentation(settings=...)``.

    Args:
        tracer_provider: The tracer provider spans go to; default: OpenTelemetry's global one (looked up now).
        meter_provider: The meter provider metrics go to; default: the global one.
        include_content: Whether prompts, instructions, model output, tool arguments and tool results are
            recorded in span attributes. Default ``False``: traces often leave the process that made them, and
            conversations carry user data. (The reference API records content by default.)
        include_binary_content: With ``include_content``, whether images, audio and documents given as bytes
            are recorded (base64) too.
        version: The span format: ``2`` names spans ``agent run`` / ``running tool``; ``3`` and later
            ``invoke_agent <agent>`` / ``execute_tool <tool>`` with the GenAI conventions' attribute names;
            ``4`` records media as ``uri`` / ``blob`` parts; ``5`` (the default) does not mark a deferred tool
            call (``CallDeferred``, ``ApprovalRequired``) as an error.
        use_aggregated_usage_attribute_names: Record the run span's token totals as
            ``gen_ai.aggregated_usage.*`` (default), so that backends summing ``gen_ai.usage.*`` over a trace do
            not count the model requests' tokens twice.
        event_mode: Accepted for code written against the reference API; only ``'attributes'`` is supported.

    Raises:
        UserError: if OpenTelemetry is not installed, for a version outside 2 to 5, or for ``event_mode='logs'``.
    """

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        include_binary_content: bool = True,
        include_content: bool = False,
        version: Literal[2, 3, 4, 5] = DEFAULT_INSTRUMENTATION_VERSION,
        use_aggregated_usage_attribute_names: bool = True,
        event_mode: Literal["attributes"] = "attributes",
    ) -> None:
        require_otel()
        from opentelemetry.metrics import get_meter_provider
        from opentelemetry.trace import get_tracer_provider

        from .. import __version__

        if version not in (2, 3, 4, 5):
            raise UserError(
                f"`version={version!r}` is not a span format trio_agent records: use 2, 3, 4 or 5 (the default). "
                "Version 1 (messages as OpenTelemetry events) was removed by the reference API as well."
            )
        if event_mode != "attributes":
            raise UserError(
                f"`event_mode={event_mode!r}` is not supported: messages are recorded as span attributes "
                "(`gen_ai.input.messages`, `gen_ai.output.messages`), as the GenAI conventions now specify."
            )
        self.tracer_provider = tracer_provider or get_tracer_provider()
        self.meter_provider = meter_provider or get_meter_provider()
        self.tracer: Tracer = self.tracer_provider.get_tracer(SCOPE_NAME, __version__)
        self.meter: Meter = self.meter_provider.get_meter(SCOPE_NAME, __version__)
        self.include_content = include_content
        self.include_binary_content = include_binary_content
        self.version = version
        self.use_aggregated_usage_attribute_names = use_aggregated_usage_attribute_names
        self.event_mode = event_mode
        meter = self.meter
        self.tokens_histogram: Histogram = meter.create_histogram(
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Measures number of input and output tokens used",
            explicit_bucket_boundaries_advisory=TOKEN_BUCKETS,
        )
        self.duration_histogram: Histogram = meter.create_histogram(
            "gen_ai.client.operation.duration",
            unit="s",
            description="GenAI operation duration",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.first_chunk_histogram: Histogram = meter.create_histogram(
            "gen_ai.client.operation.time_to_first_chunk",
            unit="s",
            description="Time to receive the first chunk of a streamed response",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.cost_histogram: Histogram = meter.create_histogram(
            "operation.cost", unit="{USD}", description="Monetary cost"
        )

    def __repr__(self) -> str:
        return (
            f"InstrumentationSettings(include_content={self.include_content!r}, version={self.version!r}, "
            f"use_aggregated_usage_attribute_names={self.use_aggregated_usage_attribute_names!r})"
        )


def settings_for(instrument: InstrumentationSettings | bool | Any) -> InstrumentationSettings:
    """The settings ``instrument=`` stands for (``True``: defaults)."""
    if isinstance(instrument, InstrumentationSettings):
        return instrument
    return InstrumentationSettings()
