"""``Instrumentation``: the capability that traces runs with OpenTelemetry (``Agent(instrument=...)`` adds one).

Spans, by the GenAI semantic conventions and named as the reference API names them:

==========================  ==========================  ===============================================
span                        made in                     parent
==========================  ==========================  ===============================================
``invoke_agent <agent>``    ``wrap_run``                whatever span was current where the run started
``chat <model>``            ``wrap_model_request``      the run span
``execute_tool <tool>``     ``wrap_tool_execute``       the run span (parallel calls are siblings)
==========================  ==========================  ===============================================

The capability is listed outermost, so its spans include every other capability's work. Each run gets its own
instance (``for_run``) holding that run's spans; the OpenTelemetry packages are imported then, not before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .._otel.settings import InstrumentationSettings
from .abstract import AbstractCapability, ModelRequestContext
from .ordering import CapabilityOrdering

if TYPE_CHECKING:
    from .._engine.result import AgentRunResult
    from .._messages.messages import ModelResponse
    from .._messages.parts import ToolCallPart
    from .._otel.tracing import RunTracer
    from .._run_context import RunContext
    from .._tools.definitions import ToolDefinition

__all__ = ["Instrumentation"]


@dataclasses.dataclass
class Instrumentation(AbstractCapability[Any]):
    """Trace every run of the agent with OpenTelemetry: a span per run, per model request, per tool call, and
    the GenAI metrics (token usage, request duration, time to first chunk of a stream).

    Args:
        settings: Where spans and metrics go and what they record; default ``InstrumentationSettings()`` (the
            global tracer and meter providers, no message content).

    Raises:
        UserError: if OpenTelemetry is not installed (``pip install 'trio-agent[otel]'``).
    """

    settings: InstrumentationSettings = dataclasses.field(default_factory=InstrumentationSettings)
    _run: RunTracer | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def get_ordering(self) -> CapabilityOrdering:
        return CapabilityOrdering(position="outermost")

    async def for_run(self, ctx: RunContext[Any]) -> Instrumentation:
        from .._otel.tracing import RunTracer

        bound = dataclasses.replace(self)
        bound._run = RunTracer(self.settings, ctx)
        return bound

    def _tracer(self) -> RunTracer:
        run = self._run
        if run is None:  # (only a run's own instance, from `for_run`, is given to its hooks)
            raise RuntimeError("`Instrumentation` hooks are called on the instance `for_run` returns")
        return run

    async def wrap_run(self, ctx: RunContext[Any], *, handler: Callable[[], Awaitable[AgentRunResult[Any]]]) -> Any:
        with self._tracer().run_span(ctx) as span:
            result = await handler()
            span.succeeded(result)
            return result

    async def wrap_model_request(
        self,
        ctx: RunContext[Any],
        *,
        request_context: ModelRequestContext,
        handler: Callable[[ModelRequestContext], Awaitable[ModelResponse]],
    ) -> ModelResponse:
        with self._tracer().model_span(request_context) as span:
            response = await handler(request_context)
            span.finish(response)
            return response

    async def wrap_tool_execute(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: dict[str, Any],
        handler: Callable[[dict[str, Any]], Awaitable[Any]],
    ) -> Any:
        with self._tracer().tool_span(call) as span:
            result = await handler(args)
            span.succeeded(result)
            return result
