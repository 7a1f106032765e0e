"""The OpenAI chat-completions request body for the newer part kinds (speech, tool-availability deltas,
retried and failed tool returns, retry feedback, provider-run tool parts, tool-search and load-capability
parts), each asserted as the exact fragment the reference sends (its ``prepare_messages`` then its mapper)."""

from __future__ import annotations

import json
from typing import Any

import httpx2

from trio_agent.messages import (
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    CompactionPart,
    LoadCapabilityCallPart,
    LoadCapabilityReturnPart,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    NativeToolSearchCallPart,
    NativeToolSearchReturnPart,
    RetryFeedbackPart,
    SpeechPart,
    SystemPromptPart,
    TextPart,
    ToolAvailabilityDeltaPart,
    ToolCallPart,
    ToolReturnPart,
    ToolSearchCallPart,
    ToolSearchReturnPart,
    UserPromptPart,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.tools import ToolDefinition

REPLY = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
}


async def sent_messages(history: list[ModelMessage], **params: Any) -> list[dict[str, Any]]:
    """The ``messages`` of the body ``history`` is sent as (after the first user prompt)."""
    bodies: list[dict[str, Any]] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        bodies.append(json.loads(request.content))
        return httpx2.Response(200, json=REPLY)

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(reply))
    provider = OpenAIProvider(base_url="http://llm.test/v1", api_key="k", http_client=client)
    await OpenAIChatModel("gpt-4o", provider=provider).request(history, None, ModelRequestParameters(**params))
    assert bodies[0]["messages"][0] == {"role": "user", "content": "q"}
    return bodies[0]["messages"][1:]


def opening(*parts: Any) -> list[ModelMessage]:
    """A history opening with the user prompt ``q``, then a request of ``parts`` (if any)."""
    history: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("q")])]
    if parts:
        history.append(ModelRequest(parts=list(parts)))
    return history


async def test_speech_is_sent_as_its_transcript() -> None:
    # `_convert_speech_parts`: user speech is a user prompt of its transcript, assistant speech a text part of
    # its transcript (with the interruption marker); speech without a transcript sends nothing, and a message
    # left without parts is not sent at all.
    history: list[ModelMessage] = [
        *opening(),
        ModelResponse(parts=[SpeechPart(speaker="assistant", transcript="Hello, how can I", interrupted_at_ms=1200)]),
        ModelRequest(parts=[SpeechPart(speaker="user", transcript="What's the weather?")]),
        ModelResponse(parts=[SpeechPart(speaker="assistant", transcript="It is sunny")], state="interrupted"),
        ModelRequest(parts=[SpeechPart(speaker="user")]),
        ModelResponse(parts=[SpeechPart(speaker="assistant")]),
        ModelRequest(parts=[UserPromptPart("thanks")]),
    ]
    assert await sent_messages(history) == [
        {"role": "assistant", "content": "Hello, how can I\n[Interrupted after 1200 ms]"},
        {"role": "user", "content": "What's the weather?"},
        {"role": "assistant", "content": "It is sunny\n[Interrupted]"},
        {"role": "user", "content": "thanks"},
    ]


async def test_a_tool_availability_delta_announces_only_deferred_tools_after_the_tool_results() -> None:
    # `_announce_tool_availability_delta_messages`: chat completions cannot express the change, so it is stated
    # in a system message (chat completions takes one mid-conversation), after the request's tool results; a
    # tool that is not deferred has nothing to announce, and a delta naming only such tools is dropped.
    history: list[ModelMessage] = [
        *opening(),
        ModelResponse(parts=[ToolCallPart("load", {}, "c1")]),
        ModelRequest(
            parts=[
                ToolAvailabilityDeltaPart(tools_added=["weather", "clock", "news"], tool_call_id="c1"),
                ToolReturnPart("load", "loaded", "c1"),
                ToolAvailabilityDeltaPart(tools_added=["clock"]),
            ]
        ),
    ]
    tools = [
        ToolDefinition(name="weather", defer_loading=True),
        ToolDefinition(name="news", defer_loading=True),
        ToolDefinition(name="clock"),
    ]
    assert (await sent_messages(history, function_tools=tools))[1:] == [
        {"role": "tool", "tool_call_id": "c1", "content": "loaded"},
        {"role": "system", "content": "The following tool(s) are now available: `weather`, `news`"},
    ]
    assert (await sent_messages(history))[1:] == [{"role": "tool", "tool_call_id": "c1", "content": "loaded"}]


async def test_retried_and_failed_tool_returns() -> None:
    # A retried call's return is the retry message as it is (no suffix); a failed one is wrapped as
    # `{"error": ...}`: chat completions has no error flag on a tool message.
    history: list[ModelMessage] = [
        *opening(),
        ModelResponse(parts=[ToolCallPart("flaky", {}, "c1"), ToolCallPart("broken", {}, "c2")]),
        ModelRequest(
            parts=[
                ToolReturnPart("flaky", "not ready yet", "c1", outcome="retried"),
                ToolReturnPart("broken", "boom", "c2", outcome="failed"),
            ]
        ),
    ]
    assert (await sent_messages(history))[1:] == [
        {"role": "tool", "tool_call_id": "c1", "content": "not ready yet"},
        {"role": "tool", "tool_call_id": "c2", "content": '{"error":"boom"}'},
    ]


async def test_retry_feedback_takes_the_voice_its_cause_calls_for() -> None:
    # An author's message (`model_retry`, `no_output`) is a system message; validation errors quote the model's
    # own output, so they are a user message fenced in `<validation_errors>` (compact JSON, a closing tag inside
    # neutralised).
    errors: Any = [{"type": "int_parsing", "loc": ("count",), "msg": "not an int", "input": "</validation_errors>"}]
    history = opening(
        RetryFeedbackPart("answer with a word", cause="model_retry"),
        RetryFeedbackPart(errors, cause="validation_error"),
    )
    assert await sent_messages(history) == [
        {"role": "system", "content": "answer with a word"},
        {
            "role": "user",
            "content": '<validation_errors>\n[{"type":"int_parsing","loc":["count"],"msg":"not an int",'
            '"input":"&lt;/validation_errors>"}]\n</validation_errors>',
        },
    ]


async def test_provider_run_tools_files_and_compaction_are_not_sent() -> None:
    history: list[ModelMessage] = [
        *opening(),
        ModelResponse(
            parts=[
                BuiltinToolCallPart("web_search", {"query": "x"}, "b1", provider_name="openai"),
                BuiltinToolReturnPart("web_search", {"results": []}, "b1", provider_name="openai"),
                CompactionPart("summary", provider_name="openai"),
                TextPart("found nothing"),
            ]
        ),
    ]
    assert await sent_messages(history) == [{"role": "assistant", "content": "found nothing"}]


async def test_tool_search_and_load_capability_parts_are_plain_tool_calls() -> None:
    history: list[ModelMessage] = [
        *opening(),
        ModelResponse(
            parts=[
                ToolSearchCallPart(args={"queries": ["weather"]}, tool_call_id="s1"),
                LoadCapabilityCallPart(args={"id": "maps"}, tool_call_id="l1"),
            ]
        ),
        ModelRequest(
            parts=[
                ToolSearchReturnPart(content={"discovered_tools": [{"name": "weather"}]}, tool_call_id="s1"),
                LoadCapabilityReturnPart(content={"instructions": "Use maps."}, tool_call_id="l1"),
            ]
        ),
    ]
    assert await sent_messages(history) == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "s1",
                    "type": "function",
                    "function": {"name": "search_tools", "arguments": '{"queries":["weather"]}'},
                },
                {"id": "l1", "type": "function", "function": {"name": "load_capability", "arguments": '{"id":"maps"}'}},
            ],
        },
        {"role": "tool", "tool_call_id": "s1", "content": '{"discovered_tools":[{"name":"weather"}]}'},
        {"role": "tool", "tool_call_id": "l1", "content": '{"instructions":"Use maps."}'},
    ]


async def test_another_providers_native_tool_search_becomes_the_local_exchange() -> None:
    # `synthesize_local_tool_search_messages`: the response is split at the search's return, which becomes a
    # tool message of its own between the call and the rest of the response.
    history: list[ModelMessage] = [
        *opening(),
        ModelResponse(
            parts=[
                TextPart("searching"),
                NativeToolSearchCallPart(args={"queries": ["weather"]}, tool_call_id="n1", provider_name="anthropic"),
                NativeToolSearchReturnPart(
                    content={"discovered_tools": [{"name": "weather"}]}, tool_call_id="n1", provider_name="anthropic"
                ),
                ToolCallPart("weather", {"city": "Paris"}, "c1"),
            ]
        ),
    ]
    call = {"name": "search_tools", "arguments": '{"queries":["weather"]}'}
    assert await sent_messages(history) == [
        {
            "role": "assistant",
            "content": "searching",
            "tool_calls": [{"id": "n1", "type": "function", "function": call}],
        },
        {"role": "tool", "tool_call_id": "n1", "content": '{"discovered_tools":[{"name":"weather"}]}'},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": '{"city":"Paris"}'}}
            ],
        },
    ]


async def test_a_leading_system_prompt_stays_first_when_an_announcement_is_sorted() -> None:
    history: list[ModelMessage] = [
        ModelRequest(
            parts=[
                SystemPromptPart("be terse"),
                ToolAvailabilityDeltaPart(tools_added=["weather"]),
                UserPromptPart("q"),
            ]
        )
    ]
    bodies: list[dict[str, Any]] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        bodies.append(json.loads(request.content))
        return httpx2.Response(200, json=REPLY)

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(reply))
    provider = OpenAIProvider(base_url="http://llm.test/v1", api_key="k", http_client=client)
    params = ModelRequestParameters(function_tools=[ToolDefinition(name="weather", defer_loading=True)])
    await OpenAIChatModel("gpt-4o", provider=provider).request(history, None, params)
    assert bodies[0]["messages"] == [
        {"role": "system", "content": "be terse"},
        {"role": "system", "content": "The following tool(s) are now available: `weather`"},
        {"role": "user", "content": "q"},
    ]
