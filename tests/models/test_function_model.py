"""FunctionModel: naming, AgentInfo, sync/async functions, usage estimation and streaming."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

from trio_agent import Agent, RequestUsage, RunUsage, UnexpectedModelBehavior, UserError
from trio_agent.messages import (
    FinalResultEvent,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models._estimate import estimate_usage
from trio_agent.models.function import AgentInfo, DeltaThinkingPart, DeltaToolCall, FunctionModel
from trio_agent.tools import ToolDefinition


def _hello() -> list[ModelMessage]:
    return [ModelRequest(parts=[UserPromptPart("hello")])]


async def _collect(model: FunctionModel, params: ModelRequestParameters | None = None) -> tuple[list, ModelResponse]:
    async with model.request_stream(_hello(), None, params or ModelRequestParameters()) as stream:
        events = [event async for event in stream]
        return events, stream.get()


# -- construction ---------------------------------------------------------------------------------------


def test_model_name_defaults_to_function_names() -> None:
    def model4(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise NotImplementedError

    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "x"

    assert FunctionModel(model4).model_name == "function:model4:"
    assert FunctionModel(stream_function=stream_fn).model_name == "function::stream_fn"
    assert FunctionModel(model4, stream_function=stream_fn).model_name == "function:model4:stream_fn"
    assert FunctionModel(model4, model_name="custom").model_name == "custom"
    assert FunctionModel(model4).system == "function"


def test_neither_function_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Either `function` or `stream_function` must be provided"):
        FunctionModel()


def test_default_profile_supports_json_schema_output() -> None:
    profile = FunctionModel(lambda m, i: ModelResponse(parts=[])).profile
    assert profile.supports_json_schema_output is True
    assert profile.supports_json_object_output is True


async def test_request_without_function_and_stream_without_stream_function_fail() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "x"

    with pytest.raises(UserError, match="has only a `stream_function`"):
        await FunctionModel(stream_function=stream_fn).request(_hello(), None, ModelRequestParameters())
    with pytest.raises(UserError, match="has no `stream_function`"):
        async with FunctionModel(lambda m, i: ModelResponse(parts=[])).request_stream(
            _hello(), None, ModelRequestParameters()
        ):
            pass


# -- AgentInfo and the function call ----------------------------------------------------------------------


class Out(BaseModel):
    x: int


async def test_agent_info_contents_from_agent_run() -> None:
    seen: list[AgentInfo] = []

    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info)
        return ModelResponse(parts=[ToolCallPart("final_result", {"x": 7})])

    agent = Agent(FunctionModel(fn), output_type=Out, instructions="Be brief.", model_settings={"temperature": 0.5})

    @agent.tool_plain
    def lookup(city: str) -> str:
        """Look a city up."""
        return city

    result = await agent.run("go")
    assert result.output == Out(x=7)
    [info] = seen
    assert [t.name for t in info.function_tools] == ["lookup"]
    assert info.function_tools[0].description == "Look a city up."
    assert [t.name for t in info.output_tools] == ["final_result"]
    assert info.output_tools[0].kind == "output"
    assert info.allow_text_output is False
    assert info.instructions == "Be brief."
    assert info.model_settings == {"temperature": 0.5}
    assert info.model_request_parameters.output_mode == "tool"


async def test_agent_info_text_output_allowed_without_instructions() -> None:
    seen: list[AgentInfo] = []

    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info)
        return ModelResponse(parts=[TextPart("ok")])

    assert (await Agent(FunctionModel(fn)).run("go")).output == "ok"
    assert seen[0].allow_text_output is True
    assert seen[0].output_tools == []
    assert seen[0].function_tools == []
    assert seen[0].instructions is None


async def test_agent_info_instructions_fall_back_past_a_tool_return_request() -> None:
    seen: list[AgentInfo] = []

    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info)
        return ModelResponse(parts=[TextPart("ok")])

    messages: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("hi")], instructions="Be brief."),
        ModelResponse(parts=[ToolCallPart("t", {}, "c1")]),
        ModelRequest(parts=[ToolReturnPart("t", "r", "c1")]),
    ]
    await FunctionModel(fn).request(messages, None, ModelRequestParameters())
    messages.append(ModelRequest(parts=[UserPromptPart("again")], instructions="New."))
    await FunctionModel(fn).request(messages, None, ModelRequestParameters())
    assert [info.instructions for info in seen] == ["Be brief.", "New."]


async def test_sync_function_runs_in_a_worker_thread() -> None:
    threads: list[int] = []

    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        threads.append(threading.get_ident())
        return ModelResponse(parts=[TextPart("sync")])

    result = await Agent(FunctionModel(fn)).run("go")
    assert result.output == "sync"
    assert len(threads) == 1
    assert threads[0] != threading.get_ident()


async def test_async_function_runs_inline() -> None:
    threads: list[int] = []

    async def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        threads.append(threading.get_ident())
        return ModelResponse(parts=[TextPart("async")])

    result = await Agent(FunctionModel(fn)).run("go")
    assert result.output == "async"
    assert threads == [threading.get_ident()]


async def test_async_callable_object_is_awaited() -> None:
    class Responder:
        def __init__(self) -> None:
            self.threads: list[int] = []

        async def __call__(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            self.threads.append(threading.get_ident())
            return ModelResponse(parts=[TextPart("from object")])

    responder = Responder()
    response = await FunctionModel(responder).request(_hello(), None, ModelRequestParameters())
    assert response.parts == [TextPart("from object")]
    assert responder.threads == [threading.get_ident()]


async def test_model_name_is_overwritten_and_provider_name_kept() -> None:
    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("x")], model_name="something-else", provider_name="mine")

    response = await FunctionModel(fn, model_name="named").request(_hello(), None, ModelRequestParameters())
    assert response.model_name == "named"
    assert response.provider_name == "mine"


# -- usage --------------------------------------------------------------------------------------------------


async def test_usage_estimated_for_a_tool_round_trip() -> None:
    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=[ToolCallPart("get_weather", {"city": "Paris"})])
        return ModelResponse(parts=[TextPart("It is sunny in Paris.")])

    agent = Agent(FunctionModel(fn))

    @agent.tool_plain
    def get_weather(city: str) -> str:
        return "sunny and warm"

    result = await agent.run("Weather in Paris?")
    assert result.output == "It is sunny in Paris."
    assert result.usage() == RunUsage(input_tokens=109, output_tokens=16, requests=2, tool_calls=1)
    responses = [m for m in result.all_messages() if isinstance(m, ModelResponse)]
    assert [r.usage for r in responses] == [
        RequestUsage(input_tokens=53, output_tokens=5),
        RequestUsage(input_tokens=56, output_tokens=11),
    ]


def test_usage_estimate_follows_messages_changed_after_it_was_remembered() -> None:
    request = ModelRequest([UserPromptPart("one two three")])
    response = ModelResponse([TextPart("four five")])
    history: list[ModelMessage] = [request, response]
    assert estimate_usage(history) == RequestUsage(input_tokens=53, output_tokens=2)
    request.parts.append(UserPromptPart("six"))  # the same list, grown
    response.parts = [TextPart("seven eight nine ten")]  # a new list of the same length
    assert estimate_usage(history) == RequestUsage(input_tokens=54, output_tokens=4)
    fresh = [ModelRequest([UserPromptPart("one two three"), UserPromptPart("six")]), ModelResponse(response.parts)]
    assert estimate_usage(history) == estimate_usage(fresh)


async def test_test_model_by_name_usage() -> None:
    result = await Agent("test").run("Hello")
    assert result.usage() == RunUsage(input_tokens=51, output_tokens=4, requests=1)


async def test_usage_set_by_function_is_kept() -> None:
    def fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("a b c")], usage=RequestUsage(input_tokens=1, output_tokens=2))

    response = await FunctionModel(fn).request(_hello(), None, ModelRequestParameters())
    assert response.usage == RequestUsage(input_tokens=1, output_tokens=2)
    result = await Agent(FunctionModel(fn)).run("Hello")
    assert result.usage() == RunUsage(input_tokens=1, output_tokens=2, requests=1)


# -- streaming ----------------------------------------------------------------------------------------------


async def test_stream_text_chunks() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "Hello"
        yield " big"
        yield " world."

    events, response = await _collect(FunctionModel(stream_function=stream_fn))
    assert events == [
        PartStartEvent(index=0, part=TextPart("Hello")),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartDeltaEvent(index=0, delta=TextPartDelta(" big")),
        PartDeltaEvent(index=0, delta=TextPartDelta(" world.")),
        PartEndEvent(index=0, part=TextPart("Hello big world.")),
    ]
    assert response.parts == [TextPart("Hello big world.")]
    assert response.state == "complete"
    assert response.model_name == "function::stream_fn"
    # 'Hello' -> 1, ' big' -> 1, ' world.' -> ['world', ''] = 2
    assert response.usage == RequestUsage(input_tokens=50, output_tokens=4)


async def test_stream_no_final_result_for_text_when_text_not_allowed() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "Hi"

    params = ModelRequestParameters(output_mode="tool", allow_text_output=False)
    events, _ = await _collect(FunctionModel(stream_function=stream_fn), params)
    assert events == [
        PartStartEvent(index=0, part=TextPart("Hi")),
        PartEndEvent(index=0, part=TextPart("Hi")),
    ]


async def test_stream_output_tool_deltas_and_usage() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[dict[int, DeltaToolCall]]:
        yield {0: DeltaToolCall(name="final_result", tool_call_id="call-1")}
        yield {0: DeltaToolCall(json_args='{"x": ')}
        yield {0: DeltaToolCall(json_args="1}")}

    params = ModelRequestParameters(
        output_mode="tool", allow_text_output=False, output_tools=[ToolDefinition(name="final_result", kind="output")]
    )
    events, response = await _collect(FunctionModel(stream_function=stream_fn), params)
    assert events == [
        PartStartEvent(index=0, part=ToolCallPart("final_result", None, "call-1")),
        FinalResultEvent(tool_name="final_result", tool_call_id="call-1"),
        PartDeltaEvent(index=0, delta=ToolCallPartDelta(args_delta='{"x": ', tool_call_id="call-1")),
        PartDeltaEvent(index=0, delta=ToolCallPartDelta(args_delta="1}", tool_call_id="call-1")),
        PartEndEvent(index=0, part=ToolCallPart("final_result", '{"x": 1}', "call-1")),
    ]
    assert response.parts == [ToolCallPart("final_result", '{"x": 1}', "call-1")]
    assert response.usage == RequestUsage(input_tokens=50, output_tokens=4)
    assert response.state == "complete"


async def test_stream_tool_call_placeholder_until_name_arrives() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[dict[int, DeltaToolCall]]:
        yield {0: DeltaToolCall(name="first", json_args="{}", tool_call_id="a")}
        yield {1: DeltaToolCall(json_args='{"q"', tool_call_id="b")}
        yield {1: DeltaToolCall(json_args=": 2}")}
        yield {1: DeltaToolCall(name="second")}

    events, response = await _collect(FunctionModel(stream_function=stream_fn))
    assert events == [
        PartStartEvent(index=0, part=ToolCallPart("first", "{}", "a")),
        PartEndEvent(index=0, part=ToolCallPart("first", "{}", "a"), next_part_kind="tool-call"),
        PartStartEvent(index=1, part=ToolCallPart("second", '{"q": 2}', "b"), previous_part_kind="tool-call"),
        PartEndEvent(index=1, part=ToolCallPart("second", '{"q": 2}', "b")),
    ]
    assert response.parts == [ToolCallPart("first", "{}", "a"), ToolCallPart("second", '{"q": 2}', "b")]


async def test_stream_placeholder_never_named_is_left_out_of_get() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[dict[int, DeltaToolCall]]:
        yield {0: DeltaToolCall(json_args='{"q": 1}')}

    events, response = await _collect(FunctionModel(stream_function=stream_fn))
    assert events == []
    assert response.parts == []
    assert response.state == "complete"
    assert response.usage == RequestUsage(input_tokens=50, output_tokens=3)


async def test_stream_thinking_deltas() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[dict[int, DeltaThinkingPart]]:
        yield {0: DeltaThinkingPart(content="Let me")}
        yield {0: DeltaThinkingPart(content=" think", signature="sig")}

    events, response = await _collect(FunctionModel(stream_function=stream_fn))
    final = ThinkingPart("Let me think", signature="sig", provider_name="function")
    assert events == [
        PartStartEvent(index=0, part=ThinkingPart("Let me")),
        PartDeltaEvent(
            index=0, delta=ThinkingPartDelta(content_delta=" think", signature_delta="sig", provider_name="function")
        ),
        PartEndEvent(index=0, part=final),
    ]
    assert response.parts == [final]
    assert response.usage == RequestUsage(input_tokens=50, output_tokens=3)


async def test_stream_ignores_empty_dicts() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        yield {}
        yield "text"
        yield {}

    events, response = await _collect(FunctionModel(stream_function=stream_fn))
    assert events == [
        PartStartEvent(index=0, part=TextPart("text")),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartEndEvent(index=0, part=TextPart("text")),
    ]
    assert response.usage == RequestUsage(input_tokens=50, output_tokens=1)


async def test_stream_thinking_and_tool_call_share_index_namespace() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        yield {0: DeltaThinkingPart(content="hmm")}
        yield {0: DeltaToolCall(name="t")}

    async with FunctionModel(stream_function=stream_fn).request_stream(
        _hello(), None, ModelRequestParameters()
    ) as stream:
        with pytest.raises(UnexpectedModelBehavior, match="Cannot apply a tool call delta to existing_part="):
            async for _ in stream:
                pass


async def test_empty_stream_is_a_value_error() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        return
        yield  # pragma: no cover

    model = FunctionModel(stream_function=stream_fn)
    with pytest.raises(ValueError, match=r"^Stream function must return at least one item$"):
        async with model.request_stream(_hello(), None, ModelRequestParameters()):
            raise AssertionError("the context must not be entered")  # pragma: no cover


async def test_get_before_exhaustion_is_incomplete() -> None:
    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "one"
        yield " two"

    async with FunctionModel(stream_function=stream_fn).request_stream(
        _hello(), None, ModelRequestParameters()
    ) as stream:
        first = await stream.__anext__()
        assert first == PartStartEvent(index=0, part=TextPart("one"))
        partial = stream.get()
        assert partial.parts == [TextPart("one")]
        assert partial.state == "incomplete"
        assert stream.usage() == RequestUsage(input_tokens=50, output_tokens=1)
        rest = [event async for event in stream]
        assert len(rest) == 3  # FinalResult, delta, end
        assert stream.get().state == "complete"
        assert stream.get().parts == [TextPart("one two")]


async def test_stream_source_closed_when_context_exits_early() -> None:
    log: list[str] = []

    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        try:
            for word in ["a", " b", " c", " d"]:
                log.append(f"yield {word.strip()}")
                yield word
        finally:
            log.append("closed")

    async with FunctionModel(stream_function=stream_fn).request_stream(
        _hello(), None, ModelRequestParameters()
    ) as stream:
        # the first item is peeked while entering
        assert log == ["yield a"]
        event = await stream.__anext__()
        assert isinstance(event, PartStartEvent)
        assert log == ["yield a"]
    assert log == ["yield a", "closed"]
    assert stream.get().parts == [TextPart("a")]
    assert stream.get().state == "incomplete"


async def test_stream_source_closed_when_body_raises() -> None:
    log: list[str] = []

    async def stream_fn(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        try:
            yield "a"
            yield " b"
        finally:
            log.append("closed")

    with pytest.raises(KeyError):
        async with FunctionModel(stream_function=stream_fn).request_stream(_hello(), None, ModelRequestParameters()):
            raise KeyError("boom")
    assert log == ["closed"]
