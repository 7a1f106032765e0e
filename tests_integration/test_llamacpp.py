"""Our adapters against llama.cpp's own server (Gemma 3 270M on the CPU): OpenAI chat completions, the Responses
API and Anthropic messages, plain and streamed, native structured output (the server enforces the JSON schema
with a grammar), usage, and a stream cancelled midway followed by another request.

Run with ``nox -s integration``. The model is small and not tuned to follow instructions: the tests assert what
the protocol guarantees (well-formed responses, usage, schema-valid output), never what the text says.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import trio
from pydantic import BaseModel

from trio_agent import Agent, NativeOutput
from trio_agent.messages import ModelResponse, PartDeltaEvent, TextPart
from trio_agent.models import Model
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.models.openai import OpenAIChatModel, OpenAIResponsesModel
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing.llamacpp import LlamaCppServer

SETTINGS: Any = {"max_tokens": 24, "temperature": 0}
KINDS = ["chat", "responses", "anthropic"]


def make_model(kind: str, server: LlamaCppServer) -> Model:
    if kind == "chat":
        return OpenAIChatModel("gemma", provider=OpenAIProvider(base_url=server.base_url_openai, api_key="unused"))
    if kind == "responses":
        return OpenAIResponsesModel("gemma", provider=OpenAIProvider(base_url=server.base_url_openai, api_key="unused"))
    return AnthropicModel("gemma", provider=AnthropicProvider(base_url=server.base_url_anthropic, api_key="unused"))


def last_response(messages: list[Any]) -> ModelResponse:
    response = messages[-1]
    assert isinstance(response, ModelResponse)
    return response


@pytest.mark.parametrize("kind", KINDS)
async def test_plain_text_with_usage(llamacpp: LlamaCppServer, kind: str) -> None:
    result = await Agent(make_model(kind, llamacpp), model_settings=SETTINGS).run("Say hello.")
    assert isinstance(result.output, str)
    assert result.output
    response = last_response(result.all_messages())
    assert response.usage.input_tokens > 0
    assert 0 < response.usage.output_tokens <= 24
    assert response.finish_reason in ("stop", "length")
    assert response.provider_response_id
    assert result.usage().requests == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_streamed_text_arrives_in_pieces(llamacpp: LlamaCppServer, kind: str) -> None:
    agent = Agent(make_model(kind, llamacpp), model_settings=SETTINGS)
    async with agent.run_stream("Count from one to ten.") as stream:
        pieces = [piece async for piece in stream.stream_text(delta=True)]
        output = await stream.get_output()
    assert len(pieces) > 1
    assert "".join(pieces) == output
    response = last_response(stream.all_messages())
    assert [type(p) for p in response.parts] == [TextPart]
    assert response.usage.output_tokens > 0


class City(BaseModel):
    name: str
    country: str


async def test_native_output_is_held_to_the_schema_by_the_server(llamacpp: LlamaCppServer) -> None:
    """Chat completions' ``response_format`` becomes a grammar in llama.cpp. (Its Responses endpoint ignores
    ``text.format``, and its Anthropic endpoint has no structured output: the small model then answers prose.)"""
    settings = {**SETTINGS, "max_tokens": 120}
    agent = Agent(make_model("chat", llamacpp), output_type=NativeOutput(City), model_settings=settings)
    result = await agent.run("Name a city in France.")
    assert isinstance(result.output, City)
    text = last_response(result.all_messages()).parts[0]
    assert isinstance(text, TextPart)
    assert json.loads(text.content) == result.output.model_dump()


@pytest.mark.parametrize("kind", KINDS)
async def test_a_second_turn_sends_the_first_back(llamacpp: LlamaCppServer, kind: str) -> None:
    agent = Agent(make_model(kind, llamacpp), model_settings=SETTINGS)
    first = await agent.run("Say hello.")
    second = await agent.run("And goodbye?", message_history=first.all_messages())
    assert second.output
    assert [m.kind for m in second.all_messages()] == ["request", "response", "request", "response"]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_stream_cancelled_midway_leaves_the_next_request_unharmed(llamacpp: LlamaCppServer, kind: str) -> None:
    agent = Agent(make_model(kind, llamacpp), model_settings={**SETTINGS, "max_tokens": 200})
    deltas = 0
    with trio.move_on_after(60) as deadline:
        async with agent.run_stream_events("Tell me a long story.") as events:
            async for event in events:
                if isinstance(event, PartDeltaEvent):
                    deltas += 1
                    if deltas == 3:
                        break  # leaving the block cancels the run and closes the stream
    assert not deadline.cancelled_caught
    assert deltas == 3
    with trio.fail_after(60):
        result = await agent.run("Say hello.")
    assert result.output
