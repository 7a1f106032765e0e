"""``TestModel``: a model that needs no code and no network, for tests and offline demos.

On the first request it calls every function tool with made-up arguments; after that it answers with text
(the JSON of the tool returns so far, or ``'success (no tool calls)'``) or with a call to an output tool
carrying made-up arguments. Retry prompts for tools make it call those tools again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import pydantic_core

from .._exceptions import UserError
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import ModelResponsePart, RetryPromptPart, TextPart, ToolCallPart, ToolReturnPart, now_utc
from .._settings import ModelSettings
from .._tools.builtin import SUPPORTED_BUILTIN_TOOLS, AbstractBuiltinTool
from .._tools.definitions import ToolDefinition
from ._estimate import CHUNK as ESTIMATE_CHUNK
from ._estimate import estimate_string_tokens, estimate_usage, estimate_usage_yielding
from ._json_test_data import generate_test_data
from ._model import Model, ModelProfile, ModelRequestParameters
from ._streamed import StreamedResponse

if TYPE_CHECKING:
    from .._messages.events import ModelResponseStreamEvent
    from .._run_context import RunContext

__all__ = ["TestModel", "TestStreamedResponse"]


class TestModel(Model):
    """A deterministic offline model; see the module docstring for what it answers."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        call_tools: list[str] | Literal["all"] = "all",
        custom_output_text: str | None = None,
        custom_output_args: Any | None = None,
        seed: int = 0,
        model_name: str = "test",
        profile: ModelProfile | None = None,
        settings: ModelSettings | None = None,
    ) -> None:
        if custom_output_text is not None and custom_output_args is not None:
            raise UserError("Cannot set both `custom_output_text` and `custom_output_args` on a `TestModel`.")
        super().__init__(settings=settings, profile=profile)
        self.call_tools = call_tools
        self.custom_output_text = custom_output_text
        self.custom_output_args = custom_output_args
        self.seed = seed
        self._model_name = model_name
        self.last_model_request_parameters: ModelRequestParameters | None = None
        """The parameters of the latest request (after output-mode resolution), for assertions in tests."""

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def system(self) -> str:
        return "test"

    @classmethod
    def supported_builtin_tools(cls) -> frozenset[type[AbstractBuiltinTool]]:
        """Every built-in tool type, so that tests can pass any (``TestModel``'s profile may narrow them)."""
        return SUPPORTED_BUILTIN_TOOLS

    def gen_tool_args(self, tool_def: ToolDefinition) -> Any:
        """Made-up arguments valid for ``tool_def``'s schema."""
        return generate_test_data(tool_def.parameters_json_schema, self.seed)

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        _, params = self.prepare_request(model_settings, model_request_parameters)
        self.last_model_request_parameters = params
        response = self._respond(messages, params)
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
        _, params = self.prepare_request(model_settings, model_request_parameters)
        self.last_model_request_parameters = params
        response = TestStreamedResponse(params, self._model_name, self._respond(messages, params), messages)
        try:
            yield response
        finally:
            await response.aclose()

    # -- what to answer --------------------------------------------------------------------------------

    def _respond(self, messages: list[ModelMessage], params: ModelRequestParameters) -> ModelResponse:
        if params.native_tools:
            raise UserError("TestModel does not support built-in tools")
        tools = self._tools_to_call(params)
        if tools and not any(isinstance(m, ModelResponse) for m in messages):
            return self._response(
                [
                    ToolCallPart(t.name, self.gen_tool_args(t), tool_call_id=f"pyd_ai_tool_call_id__{t.name}")
                    for t in tools
                ]
            )
        last = messages[-1] if messages else None
        if isinstance(last, ModelRequest):
            retried = {p.tool_name for p in last.parts if isinstance(p, RetryPromptPart) and p.tool_name is not None}
            if retried:
                return self._retry_response(retried, tools, params)
        if self._answers_with_text(params):
            return self._response([TextPart(self._text(messages))])
        return self._response([self._output_call(params)])

    def _tools_to_call(self, params: ModelRequestParameters) -> list[ToolDefinition]:
        if self.call_tools == "all":
            return list(params.function_tools)
        by_name = {t.name: t for t in params.function_tools}
        missing = [name for name in self.call_tools if name not in by_name]
        if missing:
            raise UserError(f"`TestModel(call_tools=...)` names unknown tools {missing!r}; known: {sorted(by_name)!r}")
        return [by_name[name] for name in self.call_tools]

    def _retry_response(
        self, retried: set[str], tools: list[ToolDefinition], params: ModelRequestParameters
    ) -> ModelResponse:
        parts: list[ModelResponsePart] = [
            ToolCallPart(t.name, self.gen_tool_args(t)) for t in tools if t.name in retried
        ]
        parts.extend(
            ToolCallPart(t.name, self._output_args(t, params), tool_call_id=f"pyd_ai_tool_call_id__{t.name}")
            for t in params.output_tools
            if t.name in retried
        )
        return self._response(parts)

    def _answers_with_text(self, params: ModelRequestParameters) -> bool:
        if self.custom_output_text is not None:
            if params.output_mode == "tool" and not params.allow_text_output:
                # An assertion, as the reference's TestModel makes it: the test is set up wrong.
                raise AssertionError(
                    "Plain response not allowed, but `custom_output_text` is set. This run's output needs an output "
                    "tool call: use `custom_output_args=` instead."
                )
            return True
        if self.custom_output_args is not None:
            return False
        return params.allow_text_output or not params.output_tools

    def _text(self, messages: list[ModelMessage]) -> str:
        if self.custom_output_text is not None:
            return self.custom_output_text
        returns: dict[str, Any] = {}
        for message in messages:
            if isinstance(message, ModelRequest):
                for part in message.parts:
                    if isinstance(part, ToolReturnPart):
                        returns[part.tool_name] = part.content
        if not returns:
            return "success (no tool calls)"
        return pydantic_core.to_json(returns).decode()

    def _output_args(self, tool: ToolDefinition, params: ModelRequestParameters) -> Any:
        if self.custom_output_args is None:
            return self.gen_tool_args(tool)
        args = pydantic_core.to_jsonable_python(self.custom_output_args)
        key = params.output_tools[0].outer_typed_dict_key
        return {key: args} if key else args

    def _output_call(self, params: ModelRequestParameters) -> ToolCallPart:
        if not params.output_tools:
            raise UserError("TestModel was asked for structured output, but the request has no output tools.")
        tool = params.output_tools[self.seed % len(params.output_tools)]
        return ToolCallPart(
            tool.name, self._output_args(tool, params), tool_call_id=f"pyd_ai_tool_call_id__{tool.name}"
        )

    def _response(self, parts: list[ModelResponsePart]) -> ModelResponse:
        return ModelResponse(parts=parts, model_name=self._model_name, provider_name="test")


def _text_pieces(text: str) -> list[str]:
    words = text.split(" ")
    pieces = [word + " " for word in words[:-1]] + [words[-1]]
    if len(pieces) == 1 and len(text) > 2:
        half = len(text) // 2
        return [text[:half], text[half:]]
    return pieces


class TestStreamedResponse(StreamedResponse):
    """``TestModel``'s stream: text word by word (after an empty first chunk), tool calls whole."""

    __test__ = False

    def __init__(
        self,
        params: ModelRequestParameters,
        model_name: str,
        response: ModelResponse,
        messages: list[ModelMessage],
    ) -> None:
        super().__init__(params)
        self._model_name = model_name
        self._response = response
        self._timestamp = now_utc()
        self._usage = estimate_usage(messages)

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def provider_name(self) -> str | None:
        return "test"

    @property
    def timestamp(self) -> datetime:
        return self._timestamp

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        parts = self._parts_manager
        for index, part in enumerate(self._response.parts):
            if isinstance(part, TextPart):
                yield parts.handle_text_delta(vendor_part_id=index, content="")
                for piece in _text_pieces(part.content):
                    self._usage.output_tokens += estimate_string_tokens(piece)
                    yield parts.handle_text_delta(vendor_part_id=index, content=piece)
            elif isinstance(part, ToolCallPart):
                yield parts.handle_tool_call_part(
                    vendor_part_id=index,
                    tool_name=part.tool_name,
                    args=part.args,
                    tool_call_id=part.tool_call_id,
                )
