"""``FunctionModel``: a model whose responses come from a Python function you write (for tests and demos)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import trio

from .._callables import is_async_callable
from .._exceptions import UserError
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import BuiltinToolCallPart, BuiltinToolReturnPart, now_utc
from .._settings import ModelSettings
from .._tools.builtin import SUPPORTED_BUILTIN_TOOLS, AbstractBuiltinTool
from .._tools.definitions import ToolDefinition
from ._estimate import CHUNK as ESTIMATE_CHUNK
from ._estimate import estimate_string_tokens, estimate_usage, estimate_usage_yielding
from ._model import Model, ModelProfile, ModelRequestParameters
from ._streamed import StreamedResponse

if TYPE_CHECKING:
    from .._messages.events import ModelResponseStreamEvent
    from .._run_context import RunContext

__all__ = [
    "AgentInfo",
    "BuiltinToolCallsReturns",
    "DeltaThinkingCalls",
    "DeltaThinkingPart",
    "DeltaToolCall",
    "DeltaToolCalls",
    "FunctionDef",
    "FunctionModel",
    "StreamFunctionDef",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AgentInfo:
    """What the agent offers the model on this request, passed to your function with the messages."""

    function_tools: list[ToolDefinition]
    """The function tools the model may call."""
    allow_text_output: bool
    """Whether plain text is an acceptable final answer."""
    output_tools: list[ToolDefinition]
    """The tools that produce structured output."""
    model_settings: ModelSettings | None
    model_request_parameters: ModelRequestParameters
    instructions: str | None
    """The instructions sent with this request."""


@dataclasses.dataclass
class DeltaToolCall:
    """A streamed fragment of a tool call (the name and/or more argument JSON)."""

    name: str | None = None
    json_args: str | None = None
    _: dataclasses.KW_ONLY
    tool_call_id: str | None = None


@dataclasses.dataclass(kw_only=True)
class DeltaThinkingPart:
    """A streamed fragment of reasoning (more text and/or its signature)."""

    content: str | None = None
    signature: str | None = None


DeltaToolCalls: TypeAlias = dict[int, DeltaToolCall]
"""Tool-call fragments keyed by the call's index in the response."""
DeltaThinkingCalls: TypeAlias = dict[int, DeltaThinkingPart]
"""Thinking fragments keyed by the part's index in the response."""

BuiltinToolCallsReturns: TypeAlias = dict[int, BuiltinToolCallPart | BuiltinToolReturnPart]
"""Complete built-in tool call and return parts keyed by the part's index in the response."""

FunctionDef: TypeAlias = Callable[[list[ModelMessage], AgentInfo], ModelResponse | Awaitable[ModelResponse]]
StreamFunctionDef: TypeAlias = Callable[
    [list[ModelMessage], AgentInfo], AsyncIterator[str | DeltaToolCalls | DeltaThinkingCalls | BuiltinToolCallsReturns]
]

_FUNCTION_PROFILE = ModelProfile(supports_json_schema_output=True, supports_json_object_output=True)


class FunctionModel(Model):
    """A model that calls ``function(messages, info)`` for each request, and ``stream_function`` for each
    streamed one.

    ``function`` may be sync (it then runs in a worker thread, abandoned if the run is cancelled) or async.
    ``stream_function`` is an async generator yielding text chunks, or dicts of :class:`DeltaToolCall` /
    :class:`DeltaThinkingPart` keyed by part index. Responses without usage get the deterministic estimate.
    """

    def __init__(
        self,
        function: FunctionDef | None = None,
        *,
        stream_function: StreamFunctionDef | None = None,
        model_name: str | None = None,
        profile: ModelProfile | None = None,
        settings: ModelSettings | None = None,
    ) -> None:
        if function is None and stream_function is None:
            raise TypeError("Either `function` or `stream_function` must be provided")
        super().__init__(settings=settings, profile=profile or _FUNCTION_PROFILE)
        self.function = function
        self.stream_function = stream_function
        self._is_async = function is not None and is_async_callable(function)
        self._model_name = model_name or (
            f"function:{getattr(function, '__name__', '') if function else ''}:"
            f"{getattr(stream_function, '__name__', '') if stream_function else ''}"
        )

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def system(self) -> str:
        return "function"

    @classmethod
    def supported_builtin_tools(cls) -> frozenset[type[AbstractBuiltinTool]]:
        """Every built-in tool type, so that tests can pass any (``FunctionModel``'s profile may narrow them)."""
        return SUPPORTED_BUILTIN_TOOLS

    def _agent_info(
        self, messages: list[ModelMessage], settings: ModelSettings | None, params: ModelRequestParameters
    ) -> AgentInfo:
        return AgentInfo(
            function_tools=params.function_tools,
            allow_text_output=params.allow_text_output,
            output_tools=params.output_tools,
            model_settings=settings,
            model_request_parameters=params,
            instructions=_latest_instructions(messages),
        )

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        function = self.function
        if function is None:
            raise UserError(
                "This `FunctionModel` has only a `stream_function`, and the run asked for a complete response: "
                "pass `function=` too, or drive the run with events (`run_stream_events`, `event_channel=`)."
            )
        info = self._agent_info(messages, settings, params)
        response: object
        if self._is_async:
            response = await cast("Callable[..., Awaitable[ModelResponse]]", function)(messages, info)
        else:
            response = await trio.to_thread.run_sync(function, messages, info, abandon_on_cancel=True)
            if inspect.isawaitable(response):
                response = await response
        if not isinstance(response, ModelResponse):
            raise TypeError(f"FunctionModel's function must return a `ModelResponse`, got {type(response).__name__!r}")
        response.model_name = self._model_name
        if not response.usage.has_values():
            history = [*messages, response]
            response.usage = (
                estimate_usage(history) if len(history) <= ESTIMATE_CHUNK else await estimate_usage_yielding(history)
            )
        return response

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        stream_function = self.stream_function
        if stream_function is None:
            raise UserError(
                "This `FunctionModel` has no `stream_function`, and the run streams (something listens to its "
                "events): pass `stream_function=` too, or run without event listeners."
            )
        source = stream_function(messages, self._agent_info(messages, settings, params))
        try:
            try:
                first = await source.__anext__()
            except StopAsyncIteration:
                raise ValueError("Stream function must return at least one item") from None
            response = FunctionStreamedResponse(params, self._model_name, first, source)
            try:
                yield response
            finally:
                await response.aclose()
        finally:
            aclose = getattr(source, "aclose", None)
            if aclose is not None:
                await aclose()


def _latest_instructions(messages: list[ModelMessage]) -> str | None:
    """The latest request's instructions; if it has none and holds only tool returns / retry prompts (a
    request the run made up to answer tool calls), those of the request before it."""
    requests = (m for m in reversed(messages) if isinstance(m, ModelRequest))
    latest = next(requests, None)
    if latest is None:
        return None
    if latest.instructions is not None:
        return latest.instructions
    if all(p.part_kind in ("tool-return", "retry-prompt") for p in latest.parts):
        before = next(requests, None)
        return None if before is None else before.instructions
    return None


class FunctionStreamedResponse(StreamedResponse):
    """The stream produced by a ``FunctionModel`` stream function."""

    def __init__(
        self,
        params: ModelRequestParameters,
        model_name: str,
        first: str | DeltaToolCalls | DeltaThinkingCalls | BuiltinToolCallsReturns,
        rest: AsyncIterator[str | DeltaToolCalls | DeltaThinkingCalls | BuiltinToolCallsReturns],
    ) -> None:
        super().__init__(params)
        self._model_name = model_name
        self._first = first
        self._rest = rest
        self._timestamp = now_utc()
        self._usage.input_tokens = 50

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def provider_name(self) -> str | None:
        return None

    @property
    def timestamp(self) -> datetime:
        return self._timestamp

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        item: str | DeltaToolCalls | DeltaThinkingCalls | BuiltinToolCallsReturns = self._first
        parts = self._parts_manager
        usage = self._usage
        rest = self._rest
        while True:
            if isinstance(item, str):
                usage.output_tokens += estimate_string_tokens(item)
                yield parts.handle_text_delta(vendor_part_id="content", content=item)
            elif isinstance(item, dict):
                for index, delta in item.items():
                    if isinstance(delta, DeltaThinkingPart):
                        if delta.content:
                            usage.output_tokens += estimate_string_tokens(delta.content)
                        thinking = parts.handle_thinking_delta(
                            vendor_part_id=index,
                            content=delta.content,
                            signature=delta.signature,
                            provider_name="function" if delta.signature else None,
                        )
                        if thinking is not None:
                            yield thinking
                    elif isinstance(delta, DeltaToolCall):
                        if delta.json_args:
                            usage.output_tokens += estimate_string_tokens(delta.json_args)
                        call = parts.handle_tool_call_delta(
                            vendor_part_id=index,
                            tool_name=delta.name,
                            args=delta.json_args,
                            tool_call_id=delta.tool_call_id,
                        )
                        if call is not None:
                            yield call
                    elif isinstance(delta, BuiltinToolCallPart | BuiltinToolReturnPart):
                        yield parts.handle_part(vendor_part_id=index, part=delta)
            try:
                item = await rest.__anext__()
            except StopAsyncIteration:
                return
