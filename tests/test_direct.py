"""``trio_agent.direct``: one request to a model, no agent around it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from trio_agent import ModelRequest, ModelResponse, TextPart, ToolCallPart, UserError, UserPromptPart
from trio_agent.direct import model_request, model_request_stream, model_request_stream_sync, model_request_sync
from trio_agent.messages import (
    FinalResultEvent,
    ModelMessage,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    TextPartDelta,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import FakeLLMServer
from trio_agent.tools import ToolDefinition

QUESTION = [ModelRequest(parts=[UserPromptPart("What is the capital of France?")])]


def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    if info.function_tools:
        return ModelResponse(parts=[ToolCallPart(info.function_tools[0].name, {"city": "Paris"}, "call-1")])
    [request] = messages
    assert isinstance(request, ModelRequest)
    return ModelResponse(parts=[TextPart(f"You asked: {request.parts[0].content}")])


async def stream_answer(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    for word in ("The ", "capital ", "is ", "Paris."):
        yield word


async def test_model_request_returns_the_models_response() -> None:
    response = await model_request(FunctionModel(answer), QUESTION)
    assert response.parts == [TextPart("You asked: What is the capital of France?")]
    assert response.model_name == "function:answer:"


async def test_model_request_offers_the_tools_it_is_given() -> None:
    tool = ToolDefinition(name="weather", parameters_json_schema={"type": "object", "properties": {}})
    params = ModelRequestParameters(function_tools=[tool], allow_text_output=True)
    response = await model_request(FunctionModel(answer), QUESTION, model_request_parameters=params)
    [call] = response.parts
    assert isinstance(call, ToolCallPart)
    assert (call.tool_name, call.args_as_dict()) == ("weather", {"city": "Paris"})


async def test_model_request_over_http(fake_llm_server: FakeLLMServer) -> None:
    provider = OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key="sk-direct")
    response = await model_request(OpenAIChatModel("gpt-direct", provider=provider), QUESTION)
    assert response.parts == [TextPart("done")]
    assert (response.usage.input_tokens, response.usage.output_tokens) == (10, 5)
    [sent] = fake_llm_server.requests
    assert sent.json["model"] == "gpt-direct"
    assert sent.json["messages"] == [{"role": "user", "content": "What is the capital of France?"}]


async def test_model_request_names_an_unknown_model() -> None:
    with pytest.raises(UserError, match="nope"):
        await model_request("nope:model", QUESTION)


async def test_model_request_stream_yields_part_events_and_the_response() -> None:
    async with model_request_stream(FunctionModel(stream_function=stream_answer), QUESTION) as stream:
        events = [event async for event in stream]
        final = stream.get()
    assert isinstance(events[0], PartStartEvent)
    assert events[1] == FinalResultEvent(tool_name=None, tool_call_id=None)  # text may end a run: as the reference
    deltas = [e.delta.content_delta for e in events if isinstance(e, PartDeltaEvent)]
    assert isinstance(events[-1], PartEndEvent)
    assert all(isinstance(e, PartDeltaEvent) and isinstance(e.delta, TextPartDelta) for e in events[2:-1])
    assert "".join([events[0].part.content, *deltas]) == "The capital is Paris."  # type: ignore[union-attr]
    assert final.parts == [TextPart("The capital is Paris.")]
    assert final.state == "complete"


def test_model_request_sync() -> None:
    response = model_request_sync(FunctionModel(answer), QUESTION)
    assert response.parts == [TextPart("You asked: What is the capital of France?")]


def test_model_request_stream_sync_iterates_in_order_and_closes() -> None:
    with model_request_stream_sync(FunctionModel(stream_function=stream_answer), QUESTION) as stream:
        kinds = [event.event_kind for event in stream]
        assert stream.get().parts == [TextPart("The capital is Paris.")]
        assert stream.model_name == "function::stream_answer"
    assert kinds[:2] == ["part_start", "final_result"]
    assert kinds[-1] == "part_end"
    assert set(kinds[2:-1]) == {"part_delta"}
    with pytest.raises(UserError, match="`StreamedResponseSync` is closed"):
        list(stream)


def test_model_request_stream_sync_raises_a_refused_request_at_once() -> None:
    with pytest.raises(UserError, match="nope"):
        model_request_stream_sync("nope:model", QUESTION)
