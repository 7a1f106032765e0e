"""``InstrumentationSettings``: the reference API's OpenTelemetry settings, accepted but not acted on.

trio_agent emits no OpenTelemetry spans or metrics (see the differences page). Code written against the
reference that builds ``InstrumentationSettings(...)`` or passes ``Agent(instrument=...)`` runs unchanged; the
settings are kept on the agent (``agent.instrument``) for code that reads them back, and nothing is exported.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["InstrumentationSettings"]


class InstrumentationSettings:
    """The reference API's instrumentation options, stored as given (trio_agent does not instrument runs).

    Args:
        tracer_provider: The OpenTelemetry tracer provider spans would go to.
        meter_provider: The OpenTelemetry meter provider metrics would go to.
        include_binary_content: Whether binary content would be included in span attributes.
        include_content: Whether prompts and completions would be included in span attributes.
        version: The version of the reference's span conventions.
        event_mode: How messages would be recorded (``'attributes'`` or ``'logs'``).
    """

    def __init__(
        self,
        *,
        tracer_provider: Any = None,
        meter_provider: Any = None,
        include_binary_content: bool = True,
        include_content: bool = True,
        version: Literal[1, 2, 3, 4, 5] = 2,
        event_mode: Literal["attributes", "logs"] = "attributes",
        **options: Any,
    ) -> None:
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.include_binary_content = include_binary_content
        self.include_content = include_content
        self.version = version
        self.event_mode = event_mode
        self.options = options
        """Any other option the reference takes, as given."""

    def __repr__(self) -> str:
        return f"InstrumentationSettings(include_content={self.include_content!r}, version={self.version!r})"
