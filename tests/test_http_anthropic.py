"""The Anthropic adapter against a real HTTP server on 127.0.0.1: full runs, retries, faults, cancellation."""

from __future__ import annotations

import pytest
import trio

from trio_agent import Agent, ModelAPIError, ModelHTTPError
from trio_agent.messages import PartDeltaEvent
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.providers import RetryPolicy
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.testing import ErrorReply, FakeLLMServer, SSEReply, sse_event

KEY = "sk-ant-local-secret"


def agent_for(server: FakeLLMServer, **policy: int) -> Agent[None, str]:
    provider = AnthropicProvider(
        base_url=server.base_url_anthropic, api_key=KEY, retry_policy=RetryPolicy(initial_delay=0.01, **policy)
    )
    agent: Agent[None, str] = Agent(AnthropicModel("claude-local", provider=provider), instructions="Be brief.")
    agent.tool_plain(lambda city: f"sunny in {city}", name="get_weather")
    return agent


async def test_full_run_with_a_tool(fake_llm_server: FakeLLMServer) -> None:
    result = await agent_for(fake_llm_server).run("Weather?")
    assert result.output == "done"
    first, second = (r.json for r in fake_llm_server.requests)
    assert first["system"] == "Be brief."
    assert first["tools"][0]["name"] == "get_weather"
    assert first["max_tokens"] == 4096
    assert second["messages"][-1]["content"][0]["type"] == "tool_result"
    assert fake_llm_server.requests[0].headers["x-api-key"] == KEY
    assert fake_llm_server.requests[0].headers["anthropic-version"] == "2023-06-01"
    assert result.usage().requests == 2


async def test_full_run_streaming(fake_llm_server: FakeLLMServer) -> None:
    async with agent_for(fake_llm_server).run_stream_events("Weather?") as events:
        kinds = [type(e).__name__ async for e in events]
    assert kinds.count("FunctionToolCallEvent") == 1
    assert kinds[-1] == "AgentRunResultEvent"
    assert [r.json["stream"] for r in fake_llm_server.requests] == [True, True]


async def test_overloaded_is_retried_and_errors_are_typed(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(ErrorReply(529, {"type": "error", "error": {"type": "overloaded_error"}}))
    assert (await agent_for(fake_llm_server).run("go")).output == "done"
    assert len(fake_llm_server.requests) == 3  # the 529, its retry, then the run's second request
    fake_llm_server.script(ErrorReply(401, {"type": "error", "error": {"type": "authentication_error"}}))
    with pytest.raises(ModelHTTPError) as info:
        await agent_for(fake_llm_server).run("go")
    assert info.value.status_code == 401
    assert info.value.body == {"type": "error", "error": {"type": "authentication_error"}}
    assert len(fake_llm_server.requests) == 4  # a 401 is not retried
    assert KEY not in str(info.value)


async def test_cancelling_mid_stream_leaves_no_connection(fake_llm_server: FakeLLMServer) -> None:
    start = sse_event(
        "message_start",
        {
            "type": "message_start",
            "message": {
                "id": "m1",
                "type": "message",
                "role": "assistant",
                "model": "c",
                "content": [],
                "usage": {"input_tokens": 3, "output_tokens": 0},
            },
        },
    )
    block = sse_event(
        "content_block_start",
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    )
    deltas = [
        sse_event(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": f"t{i} "}},
        )
        for i in range(50)
    ]
    fake_llm_server.script(SSEReply([start, block, *deltas], delay=0.05))
    agent = agent_for(fake_llm_server)
    seen = 0
    async with agent.run_stream_events("go") as events:
        async for event in events:
            if isinstance(event, PartDeltaEvent):
                seen += 1
                if seen == 2:
                    break
    assert seen == 2  # left mid-stream, not at its end
    with trio.fail_after(5):
        await fake_llm_server.wait_no_connections()
    assert (await agent.run("again")).output == "done"


async def test_truncated_stream_is_an_error(fake_llm_server: FakeLLMServer) -> None:
    start = sse_event(
        "message_start",
        {
            "type": "message_start",
            "message": {
                "id": "m1",
                "type": "message",
                "role": "assistant",
                "model": "c",
                "content": [],
                "usage": {"input_tokens": 3, "output_tokens": 0},
            },
        },
    )
    fake_llm_server.script(SSEReply([start]))
    with pytest.raises(ModelAPIError, match=r"ended before the response was complete \(no `message_stop`\)") as info:
        async with agent_for(fake_llm_server).run_stream_events("go") as events:
            async for _ in events:
                pass
    assert KEY not in str(info.value)
