"""The OpenAI adapter against a real HTTP server on 127.0.0.1: full runs, retries, faults, cancellation."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
import trio
from pydantic import BaseModel

from trio_agent import Agent, AgentRunResultEvent, ModelAPIError, ModelHTTPError, UnexpectedModelBehavior
from trio_agent.messages import PartDeltaEvent, TextPartDelta
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers import RetryPolicy
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.testing import DropReply, ErrorReply, FakeLLMServer, RawReply, SSEReply, StallReply

KEY = "sk-local-secret"


def weather_agent(server: FakeLLMServer, **policy: Any) -> Agent[None, str]:
    provider = OpenAIProvider(
        base_url=server.base_url_openai, api_key=KEY, retry_policy=RetryPolicy(initial_delay=0.01, **policy)
    )
    agent: Agent[None, str] = Agent(OpenAIChatModel("gpt-local", provider=provider))

    @agent.tool_plain
    def get_weather(city: str) -> str:
        return f"sunny in {city}"

    return agent


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion.chunk",
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


async def test_full_run_with_a_tool(fake_llm_server: FakeLLMServer) -> None:
    agent = weather_agent(fake_llm_server)
    result = await agent.run("Weather in Paris?")
    assert result.output == "done"
    assert [m.kind for m in result.all_messages()] == ["request", "response", "request", "response"]
    assert result.all_messages()[2].parts[0].content == "sunny in a"  # the server fills strings with "a"
    first, second = (r.json for r in fake_llm_server.requests)
    assert first["tools"][0]["function"]["name"] == "get_weather"
    assert second["messages"][-1] == {"role": "tool", "tool_call_id": "call_1", "content": "sunny in a"}
    assert fake_llm_server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert result.usage().requests == 2
    assert result.usage().input_tokens == 20
    assert fake_llm_server.total_connections == 1  # keep-alive: both requests on one connection


async def test_full_run_streaming(fake_llm_server: FakeLLMServer) -> None:
    agent = weather_agent(fake_llm_server)
    async with agent.run_stream_events("Weather?") as events:
        kinds = [type(e).__name__ async for e in events]
    assert kinds.count("FunctionToolCallEvent") == 1
    assert kinds[-1] == "AgentRunResultEvent"
    assert "PartDeltaEvent" in kinds
    assert [r.json["stream"] for r in fake_llm_server.requests] == [True, True]
    async with agent.run_stream("Weather?") as result:
        assert await result.get_output() == "done"


class City(BaseModel):
    name: str


async def test_structured_output_through_the_output_tool(fake_llm_server: FakeLLMServer) -> None:
    provider = OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY)
    result = await Agent(OpenAIChatModel("m", provider=provider), output_type=City).run("city?")
    assert result.output == City(name="a")
    assert fake_llm_server.requests[0].json["tool_choice"] == "required"


async def test_429_and_500_are_retried_honouring_retry_after(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(ErrorReply(429, "slow down", headers={"retry-after": "0"}), ErrorReply(500, "oops"))
    result = await weather_agent(fake_llm_server).run("go")
    assert result.output == "done"
    assert len(fake_llm_server.requests) == 4  # two failures, then the two requests of the run


async def test_errors_past_the_retry_budget_are_typed(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(*[ErrorReply(503, {"error": "overloaded"}) for _ in range(2)])
    with pytest.raises(ModelHTTPError) as info:
        await weather_agent(fake_llm_server, max_attempts=2).run("go")
    assert (info.value.status_code, info.value.body, info.value.model_name) == (
        503,
        {"error": "overloaded"},
        "gpt-local",
    )
    fake_llm_server.script(ErrorReply(400, "bad request"))
    with pytest.raises(ModelHTTPError, match="status_code: 400"):
        await weather_agent(fake_llm_server).run("go")  # a client error is not retried
    fake_llm_server.script(RawReply(200, b"<html>gateway</html>", "text/html"))
    with pytest.raises(UnexpectedModelBehavior, match="not JSON"):
        await weather_agent(fake_llm_server).run("go")


async def test_a_dropped_connection_is_retried_and_the_pool_recovers(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(DropReply())
    assert (await weather_agent(fake_llm_server).run("go")).output == "done"
    fake_llm_server.script(DropReply(), DropReply())
    with pytest.raises(ModelAPIError, match="after 2 attempt"):
        await weather_agent(fake_llm_server, max_attempts=2).run("go")


async def test_a_stream_dropped_midway_is_an_error_not_a_hang(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(SSEReply([chunk({"content": "par"}), chunk({"content": "tial"})], drop_after=1))
    agent = Agent(OpenAIChatModel("m", provider=OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY)))
    with pytest.raises(ModelAPIError, match="stream broke off before it was complete") as info:
        async with agent.run_stream_events("go") as events:
            async for _ in events:
                pass
    assert KEY not in str(info.value)
    with trio.fail_after(5):
        await fake_llm_server.wait_no_connections()
    assert (await agent.run("again")).output == "done"  # the pool is usable right after


async def test_the_halves_of_a_split_surrogate_pair_are_read_as_json_loads_reads_them(
    fake_llm_server: FakeLLMServer,
) -> None:
    # (a server cutting text between the halves of a pair escapes each half; pydantic-core's parser refuses a
    # lone surrogate, so such a chunk falls back to `json.loads`)
    fake_llm_server.script(
        SSEReply([chunk({"content": "\ud83d"}), chunk({"content": "\ude00"}, "stop")], terminator="data: [DONE]\n\n")
    )
    agent = Agent(OpenAIChatModel("m", provider=OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY)))
    async with agent.run_stream_events("go") as events:
        received = [e async for e in events]
    assert [e.delta for e in received if isinstance(e, PartDeltaEvent)] == [TextPartDelta("\ude00")]
    assert isinstance(received[-1], AgentRunResultEvent)
    assert received[-1].result.output == "\ud83d\ude00"


async def test_cancelling_mid_stream_closes_the_connection_and_the_pool_is_reusable(
    fake_llm_server: FakeLLMServer,
) -> None:
    slow = [chunk({"content": f"tok{i} "}) for i in range(50)]
    fake_llm_server.script(SSEReply([chunk({"role": "assistant"}), *slow], delay=0.05, terminator="data: [DONE]\n\n"))
    provider = OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY)
    agent = Agent(OpenAIChatModel("m", provider=provider))
    deltas = 0
    async with agent.run_stream_events("go") as events:
        async for event in events:
            if isinstance(event, PartDeltaEvent):
                deltas += 1
                if deltas == 2:
                    break
    assert deltas == 2  # left mid-stream, not at its end
    with trio.fail_after(5):
        await fake_llm_server.wait_no_connections()
    assert fake_llm_server.open_connections == 0
    assert (await agent.run("again")).output == "done"
    await provider.aclose()


async def test_a_stalled_server_times_out(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(StallReply(5))
    agent = weather_agent(fake_llm_server, max_attempts=1)
    with pytest.raises(ModelAPIError, match="ReadTimeout"):
        await agent.run("go", model_settings={"timeout": httpx2.Timeout(0.2)})


async def test_malformed_sse_is_a_clear_error(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(SSEReply(["data: {this is not json}\n\n"]))
    agent = Agent(OpenAIChatModel("m", provider=OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY)))
    with pytest.raises(UnexpectedModelBehavior, match="not JSON"):
        async with agent.run_stream("go") as result:
            await result.get_output()


async def test_provider_owned_client_is_closed_by_the_context(fake_llm_server: FakeLLMServer) -> None:
    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY) as provider:
        assert (await Agent(OpenAIChatModel("m", provider=provider)).run("hi")).output == "done"
        client = provider.client
    assert client.is_closed
    own = httpx2.AsyncClient()
    async with OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY, http_client=own):
        pass
    assert not own.is_closed  # a client passed in stays the caller's
    await own.aclose()


async def test_an_httpx_client_serves_as_httpx2s_does(fake_llm_server: FakeLLMServer) -> None:
    """A user's own ``httpx.AsyncClient`` (httpx 0.28's API is httpx2's): requests, streams, and its errors
    reported as ours."""
    import httpx

    from trio_agent.testing import DropReply

    async with httpx.AsyncClient() as own:
        provider = OpenAIProvider(base_url=fake_llm_server.base_url_openai, api_key=KEY, http_client=own)
        agent = Agent(OpenAIChatModel("m", provider=provider))
        assert (await agent.run("hi")).output == "done"
        async with agent.run_stream("hi") as result:
            assert await result.get_output() == "done"
        fake_llm_server.script(DropReply())
        no_retry = OpenAIProvider(
            base_url=fake_llm_server.base_url_openai,
            api_key=KEY,
            http_client=own,
            retry_policy=RetryPolicy(max_attempts=1),
        )
        with pytest.raises(ModelAPIError, match="RemoteProtocolError"):
            await Agent(OpenAIChatModel("m", provider=no_retry)).run("hi")
        assert not own.is_closed
