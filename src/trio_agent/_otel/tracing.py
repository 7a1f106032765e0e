"""The spans and metrics of instrumented runs: one :class:`RunTracer` per run, one span per model request and
tool call (see the package docstring for how they nest under trio).

Each span is a context manager entered in the task that does the work: it makes the span current there, and on
the way out records an exception (``Cancelled`` included) with status ``ERROR``, restores the context and ends
the span, whatever happened. Metrics are recorded after the span ends.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import trio
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from .._exceptions import ApprovalRequired, CallDeferred
from .._messages.messages import ModelMessage, ModelResponse
from .._messages.parts import ToolCallPart
from .._usage import RunUsage
from ..models._streamed import FIRST_CHUNK
from .encoding import dumps, input_messages, jsonable, output_message, system_instructions

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.util.types import AttributeValue

    from .._capabilities.abstract import ModelRequestContext
    from .._engine.result import AgentRunResult
    from .._run_context import RunContext
    from .._settings import ModelSettings
    from ..models import Model, ModelRequestParameters
    from .settings import InstrumentationSettings

__all__ = ["ModelSpan", "RunTracer", "fail"]

Attributes = dict[str, "AttributeValue"]

logger = logging.getLogger("trio_agent.otel")

MODEL_SETTING_ATTRIBUTES = ("max_tokens", "top_p", "seed", "temperature", "presence_penalty", "frequency_penalty")
DEFERRAL_NAME = "pydantic_ai.tool.deferral.name"
DEFERRAL_METADATA = "pydantic_ai.tool.deferral.metadata"


def fail(span: Span, error: BaseException) -> None:
    """Record ``error`` on ``span`` as the conventions ask: the exception event, ``error.type``, status ``ERROR``."""
    if not span.is_recording():
        return
    span.record_exception(error, escaped=True)
    span.set_attribute("error.type", type(error).__qualname__)
    span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))


class _CurrentSpan:
    """Makes ``span`` current (under ``parent``) while the ``with`` block runs, then ends it."""

    __slots__ = ("_token", "span")

    def __init__(self, span: Span, parent: Context | None) -> None:
        self.span = span
        self._token = otel_context.attach(trace.set_span_in_context(span, parent))

    def _close(self, error: BaseException | None) -> None:
        try:
            if error is not None:
                self.failed(error)
            self.closing(error)
        except Exception:  # tracing never fails a run: what could not be recorded is logged instead
            logger.exception("Could not record the end of span %r", getattr(self.span, "name", "?"))
        finally:
            otel_context.detach(self._token)
            self.span.end()

    def failed(self, error: BaseException) -> None:
        fail(self.span, error)

    def closing(self, error: BaseException | None) -> None:
        """Set the attributes known only at the end (before the span ends)."""

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._close(error)


class RunTracer:
    """The spans of one run: the run's own, and the model-request and tool spans made its children."""

    __slots__ = ("agent_name", "ids", "last_messages", "parent", "settings", "usage")

    def __init__(self, settings: InstrumentationSettings, ctx: RunContext[Any]) -> None:
        self.settings = settings
        agent = ctx.agent
        self.agent_name: str = getattr(agent, "name", None) or "agent"
        self.ids: Attributes = {
            "gen_ai.agent.name": self.agent_name,
            "gen_ai.agent.call.id": ctx.run_id or "",
            "gen_ai.conversation.id": ctx.conversation_id or "",
        }
        self.parent: Context | None = None
        """The OpenTelemetry context whose current span is the run span (once it started)."""
        self.last_messages: list[ModelMessage] = list(ctx.messages)
        """The history as last sent to the model (what the run span records if the run fails)."""
        self.usage = RunUsage()
        """The usage of the model requests this run made (what the run span records if the run fails)."""

    def run_span(self, ctx: RunContext[Any]) -> RunSpan:
        return RunSpan(self, ctx)

    def model_span(self, request_context: ModelRequestContext) -> ModelSpan:
        self.last_messages = request_context.messages
        return ModelSpan(
            self.settings,
            request_context.model,
            request_context.messages,
            request_context.model_settings,
            request_context.model_request_parameters,
            parent=self.parent,
            extra=self.ids,
            run=self,
        )

    def tool_span(self, call: ToolCallPart) -> ToolSpan:
        return ToolSpan(self, call)


class RunSpan(_CurrentSpan):
    """``invoke_agent <agent>``: the whole run."""

    __slots__ = ("_ctx", "_result", "_run")

    def __init__(self, run: RunTracer, ctx: RunContext[Any]) -> None:
        settings = run.settings
        name = run.agent_name
        attributes: Attributes = {
            "gen_ai.operation.name": "invoke_agent",
            **run.ids,
            "agent_name": name,
            "model_name": ctx.model.model_name if ctx.model is not None else "no-model",
            "logfire.msg": f"{name} run",
        }
        description = getattr(ctx.agent, "description", None)
        if isinstance(description, str):
            attributes["gen_ai.agent.description"] = description
        span_name = f"invoke_agent {name}" if settings.version >= 3 else "agent run"
        span = settings.tracer.start_span(span_name, attributes=attributes)
        run.parent = trace.set_span_in_context(span)
        super().__init__(span, None)
        self._run = run
        self._ctx = ctx
        self._result: AgentRunResult[Any] | None = None

    def __enter__(self) -> RunSpan:
        return self

    def succeeded(self, result: AgentRunResult[Any]) -> None:
        self._result = result

    def closing(self, error: BaseException | None) -> None:
        run, settings, span, result = self._run, self._run.settings, self.span, self._result
        if span.is_recording():
            usage = result.usage() if result is not None else run.usage
            usage_attributes = usage.opentelemetry_attributes()
            if settings.use_aggregated_usage_attribute_names:
                usage_attributes = {
                    key.replace("gen_ai.usage.", "gen_ai.aggregated_usage.", 1): value
                    for key, value in usage_attributes.items()
                }
            attributes: Attributes = {**usage_attributes}
            metadata = self._ctx.metadata
            if settings.include_content:
                messages = result.all_messages() if result is not None else run.last_messages
                attributes["pydantic_ai.all_messages"] = dumps(input_messages(messages, settings))
                instructions = system_instructions(messages, settings)
                if instructions:
                    attributes["gen_ai.system_instructions"] = dumps(instructions)
                if result is not None:
                    output = result.output
                    attributes["final_result"] = output if isinstance(output, str) else dumps(output)
                    metadata = result.metadata
            if metadata:
                attributes["metadata"] = dumps(metadata)
            span.set_attributes(attributes)


class ModelSpan(_CurrentSpan):
    """``chat <model>``: one model request (streamed or not)."""

    __slots__ = (
        "_attributes",
        "_cost",
        "_first_chunk",
        "_listener",
        "_messages",
        "_response",
        "_run",
        "_settings",
        "_started",
    )

    def __init__(
        self,
        settings: InstrumentationSettings,
        model: Model,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        params: ModelRequestParameters,
        *,
        parent: Context | None = None,
        extra: Attributes | None = None,
        run: RunTracer | None = None,
    ) -> None:
        system = model.system
        attributes: Attributes = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": system,
            "gen_ai.system": system,
            "gen_ai.request.model": model.model_name,
        }
        base_url = getattr(model, "base_url", None)
        if isinstance(base_url, str):
            parsed = urlparse(base_url)
            if parsed.hostname:
                attributes["server.address"] = parsed.hostname
            if parsed.port:
                attributes["server.port"] = parsed.port
        self._attributes = dict(attributes)  # (the metrics' attributes: these, and the response model)
        try:
            attributes["model_request_parameters"] = dumps(params)
            definitions = [
                {
                    "type": "function",
                    "name": d.name,
                    "description": d.description,
                    "parameters": d.parameters_json_schema,
                }
                for d in (*params.function_tools, *params.output_tools)
            ]
            if definitions:
                attributes["gen_ai.tool.definitions"] = dumps(definitions)
        except Exception:  # (as in `_close`: tracing never fails a request)
            logger.exception("Could not record the parameters of a request to %r", model.model_name)
        if model_settings:
            for key in MODEL_SETTING_ATTRIBUTES:
                value = model_settings.get(key)
                if isinstance(value, int | float):
                    attributes[f"gen_ai.request.{key}"] = value
        if extra:
            attributes.update(extra)
        span = settings.tracer.start_span(
            f"chat {model.model_name}", context=parent, kind=SpanKind.CLIENT, attributes=attributes
        )
        super().__init__(span, parent)
        self._settings = settings
        self._run = run
        self._response: ModelResponse | None = None
        self._cost: Any = None
        self._messages = messages
        self._first_chunk: float | None = None
        self._started = trio.current_time()
        self._listener = FIRST_CHUNK.set(self._on_first_chunk)

    def __enter__(self) -> ModelSpan:
        return self

    def _on_first_chunk(self) -> None:
        if self._first_chunk is None:
            self._first_chunk = trio.current_time()

    def finish(self, response: ModelResponse) -> None:
        """The model answered ``response``."""
        self._response = response
        self._cost = _cost(response)
        run = self._run
        if run is not None:
            run.usage.requests += 1
            run.usage.incr(response.usage)

    def closing(self, error: BaseException | None) -> None:
        response, settings, span = self._response, self._settings, self.span
        if response is None:
            return
        response_model = response.model_name or self._attributes["gen_ai.request.model"]
        self._attributes["gen_ai.response.model"] = response_model
        if not span.is_recording():
            return
        attributes: Attributes = {**response.usage.opentelemetry_attributes(), "gen_ai.response.model": response_model}
        if response.provider_response_id is not None:
            attributes["gen_ai.response.id"] = response.provider_response_id
        if response.finish_reason is not None:
            attributes["gen_ai.response.finish_reasons"] = [response.finish_reason]
        if self._cost is not None:
            attributes["operation.cost"] = float(self._cost.total_price)
        if settings.include_content:
            attributes["gen_ai.input.messages"] = dumps(input_messages(self._messages, settings))
            attributes["gen_ai.output.messages"] = dumps([output_message(response, settings)])
            instructions = system_instructions(self._messages, settings)
            if instructions:
                attributes["gen_ai.system_instructions"] = dumps(instructions)
        span.set_attributes(attributes)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        try:
            self._close(error)
        finally:
            FIRST_CHUNK.reset(self._listener)
            try:
                self._record_metrics(error)
            except Exception:  # (as in `_close`: never fail the request for its metrics)
                logger.exception("Could not record the metrics of span %r", getattr(self.span, "name", "?"))

    def _record_metrics(self, error: BaseException | None) -> None:
        settings, attributes, response = self._settings, self._attributes, self._response
        if error is not None:
            attributes = {**attributes, "error.type": type(error).__qualname__}
        settings.duration_histogram.record(trio.current_time() - self._started, attributes)
        if self._first_chunk is not None:
            settings.first_chunk_histogram.record(self._first_chunk - self._started, attributes)
        if response is None:
            return
        cost = self._cost
        for kind, tokens in (("input", response.usage.input_tokens), ("output", response.usage.output_tokens)):
            if not tokens:
                continue
            token_attributes = {**attributes, "gen_ai.token.type": kind}
            settings.tokens_histogram.record(tokens, token_attributes)
            if cost is not None:
                settings.cost_histogram.record(float(getattr(cost, f"{kind}_price")), token_attributes)


class ToolSpan(_CurrentSpan):
    """``execute_tool <tool>``: one function-tool call, a child of the run span."""

    __slots__ = ("_call", "_result", "_run", "_succeeded")

    def __init__(self, run: RunTracer, call: ToolCallPart) -> None:
        settings = run.settings
        v3 = settings.version >= 3
        attributes: Attributes = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": call.tool_name,
            "gen_ai.tool.call.id": call.tool_call_id,
            "gen_ai.tool.type": "function",
            **run.ids,
            "logfire.msg": f"running tool: {call.tool_name}",
        }
        if settings.include_content:
            attributes["gen_ai.tool.call.arguments" if v3 else "tool_arguments"] = call.args_as_json_str()
        name = f"execute_tool {call.tool_name}" if v3 else "running tool"
        span = settings.tracer.start_span(name, context=run.parent, attributes=attributes)
        super().__init__(span, run.parent)
        self._run = run
        self._call = call
        self._result: Any = None
        self._succeeded = False

    def __enter__(self) -> ToolSpan:
        return self

    def succeeded(self, result: Any) -> None:
        self._result, self._succeeded = result, True

    def failed(self, error: BaseException) -> None:
        settings, span = self._run.settings, self.span
        if isinstance(error, CallDeferred | ApprovalRequired):
            span.set_attribute(DEFERRAL_NAME, type(error).__name__)
            metadata = getattr(error, "metadata", None)
            if settings.include_content and metadata is not None:
                span.set_attribute(DEFERRAL_METADATA, dumps(metadata))
            if settings.version >= 5:
                return  # a deferral is how the call answers, not a failure
        fail(span, error)

    def closing(self, error: BaseException | None) -> None:
        settings = self._run.settings
        if not (self._succeeded and settings.include_content and self.span.is_recording()):
            return
        result = self._result
        self.span.set_attribute(
            "gen_ai.tool.call.result" if settings.version >= 3 else "tool_response",
            result if isinstance(result, str) else dumps(jsonable(result)),
        )


def _cost(response: ModelResponse) -> Any:
    """What ``response`` cost (a ``genai_prices`` calculation), or ``None`` if no price is known."""
    if not response.model_name or not (response.usage.input_tokens or response.usage.output_tokens):
        return None
    try:
        return response.cost()
    except (LookupError, ValueError):
        return None
