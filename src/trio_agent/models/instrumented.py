"""OpenTelemetry for a model used on its own (the reference API's ``pydantic_ai.models.instrumented``).

An agent is instrumented with ``Agent(instrument=...)``; :class:`InstrumentedModel` traces the requests of a
model called directly (``trio_agent.direct``, or your own code): one ``chat <model>`` span per request, under
whatever span is current, and the GenAI metrics.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from .._messages.messages import ModelMessage, ModelResponse
from .._otel.settings import InstrumentationSettings
from .._run_context import RunContext
from .._settings import ModelSettings
from ._infer import KnownModelName
from ._model import Model, ModelRequestParameters
from ._streamed import StreamedResponse
from ._wrapper import WrapperModel

__all__ = ["InstrumentationSettings", "InstrumentedModel", "instrument_model"]


def instrument_model(model: Model, instrument: InstrumentationSettings | bool) -> Model:
    """``model`` wrapped in an :class:`InstrumentedModel` (unless ``instrument`` is false, or it is one)."""
    if not instrument or isinstance(model, InstrumentedModel):
        return model
    return InstrumentedModel(model, instrument if isinstance(instrument, InstrumentationSettings) else None)


class InstrumentedModel(WrapperModel):
    """A model whose requests are traced with OpenTelemetry (a ``chat <model>`` span each).

    Args:
        wrapped: The model (or model name) to trace.
        options: The settings; default ``InstrumentationSettings()``.
    """

    def __init__(self, wrapped: Model | KnownModelName, options: InstrumentationSettings | None = None) -> None:
        super().__init__(wrapped)
        self.instrumentation_settings = options or InstrumentationSettings()

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        from .._otel.tracing import ModelSpan

        with ModelSpan(
            self.instrumentation_settings, self.wrapped, messages, model_settings, model_request_parameters
        ) as span:
            response = await self.wrapped.request(messages, model_settings, model_request_parameters)
            span.finish(response)
            return response

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        from .._otel.tracing import ModelSpan

        with ModelSpan(
            self.instrumentation_settings, self.wrapped, messages, model_settings, model_request_parameters
        ) as span:
            async with self.wrapped.request_stream(
                messages, model_settings, model_request_parameters, run_context
            ) as stream:
                try:
                    yield stream
                finally:
                    span.finish(stream.get())
