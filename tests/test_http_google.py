"""The Gemini adapter against a real HTTP server on 127.0.0.1 (the fake server's Gemini route): whole agent runs,
plain and streamed, the default conversation, scripted replies, the key's secrecy, and faults.

Every test takes ``autojump_clock``: retry delays, ``Retry-After`` and slow streams take virtual time. Tools are
async (a sync tool would run in a thread, which the clock cannot see).
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
import trio
from pydantic import BaseModel
from trio.testing import MockClock

from trio_agent import Agent, ModelAPIError, ModelHTTPError, NativeOutput, UnexpectedModelBehavior
from trio_agent.messages import (
    FunctionToolCallEvent,
    ModelResponse,
    PartDeltaEvent,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)
from trio_agent.models.google import GoogleModel
from trio_agent.providers import RetryPolicy
from trio_agent.providers.google import GoogleProvider
from trio_agent.run import AgentRunResultEvent
from trio_agent.testing import ErrorReply, FakeLLMServer, JSONReply, RawReply, Reply, SSEReply

KEY = "gemini-local-secret"
PATH = "/v1beta/models/gemini-local:generateContent"
STREAM_PATH = "/v1beta/models/gemini-local:streamGenerateContent"


def google_agent(server: FakeLLMServer, *, client: httpx2.AsyncClient | None = None, **policy: Any) -> Agent[None, str]:
    provider = GoogleProvider(
        api_key=KEY,
        base_url=server.base_url_google,
        http_client=client,
        retry_policy=RetryPolicy(**{"initial_delay": 0.1, "jitter": 0.0, **policy}),
    )
    agent: Agent[None, str] = Agent(GoogleModel("gemini-local", provider=provider), instructions="Be brief.")

    @agent.tool_plain
    async def get_weather(city: str) -> str:
        return f"sunny in {city}"

    return agent


def chunk(*parts: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    usage = {"promptTokenCount": 7, "candidatesTokenCount": 3, "totalTokenCount": 10}
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "gemini-local-001", "responseId": "r"}


# -- whole runs ----------------------------------------------------------------------------------------


async def test_full_run_with_a_tool(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    result = await google_agent(fake_llm_server).run("Weather in Paris?")
    assert result.output == "done"
    first, second = fake_llm_server.requests
    assert (first.path, second.path) == (PATH, PATH)
    assert first.json["systemInstruction"] == {"role": "user", "parts": [{"text": "Be brief."}]}
    [declaration] = first.json["tools"][0]["functionDeclarations"]
    assert declaration["name"] == "get_weather"
    call, answer = second.json["contents"][1:]
    assert call["parts"][0]["functionCall"]["args"] == {"city": "a"}  # the server fills strings with "a"
    call_id = call["parts"][0]["functionCall"]["id"]
    assert answer == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"return_value": "sunny in a"}, "id": call_id}}
        ],
    }
    assert first.headers["x-goog-api-key"] == KEY
    response = result.all_messages()[-1]
    assert isinstance(response, ModelResponse)
    assert (response.model_name, response.provider_name, response.finish_reason) == (
        "gemini-local",
        "google-gla",
        "stop",
    )
    usage = result.usage()
    assert (usage.requests, usage.tool_calls, usage.input_tokens, usage.output_tokens) == (2, 1, 20, 10)
    assert fake_llm_server.total_connections == 1  # keep-alive: both requests on one connection


async def test_run_stream(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    async with google_agent(fake_llm_server).run_stream("Weather?") as result:
        chunks = [text async for text in result.stream_text(delta=True)]
    assert "".join(chunks) == "done"
    assert [r.path for r in fake_llm_server.requests] == [STREAM_PATH, STREAM_PATH]
    assert result.usage().requests == 2


async def test_run_stream_events(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    async with google_agent(fake_llm_server).run_stream_events("Weather?") as events:
        kinds = [type(e).__name__ async for e in events]
    assert kinds.count("FunctionToolCallEvent") == 1
    assert kinds.count("FunctionToolResultEvent") == 1
    assert kinds.count("PartDeltaEvent") == 1  # "do" then "ne"
    assert kinds[-1] == "AgentRunResultEvent"


class City(BaseModel):
    name: str
    population: int


async def test_structured_output_through_the_output_tool(
    fake_llm_server: FakeLLMServer, autojump_clock: MockClock
) -> None:
    agent = google_agent(fake_llm_server)
    result = await agent.run("Which city?", output_type=City)
    assert result.output == City(name="a", population=0)
    config = fake_llm_server.requests[0].json["toolConfig"]
    assert config == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather", "final_result"]}}


async def test_native_structured_output(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    agent = Agent(fake_llm_server.google_model("gemini-local"), output_type=NativeOutput(City))
    result = await agent.run("Which city?")
    assert result.output == City(name="a", population=0)
    config = fake_llm_server.requests[0].json["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseSchema"]["required"] == ["name", "population"]


async def test_scripted_thinking_keeps_its_signature_for_the_next_turn(
    fake_llm_server: FakeLLMServer, autojump_clock: MockClock
) -> None:
    fake_llm_server.script(
        JSONReply(
            chunk(
                {"text": "Paris is in France.", "thought": True},
                {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "U0lHLTE="},
                finish="STOP",
            )
        )
    )
    result = await google_agent(fake_llm_server).run("Weather in Paris?")
    assert result.output == "done"
    thought, call = result.all_messages()[1].parts
    assert thought == ThinkingPart("Paris is in France.", signature="U0lHLTE=", provider_name="google-gla")
    assert isinstance(call, ToolCallPart)
    assert fake_llm_server.requests[1].json["contents"][1]["parts"] == [
        {"text": "Paris is in France.", "thought": True},
        {
            "functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": call.tool_call_id},
            "thoughtSignature": "U0lHLTE=",
        },
    ]


async def test_a_scripted_stream(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    fake_llm_server.script(
        SSEReply(
            [
                chunk({"text": "Thinking ", "thought": True}),
                chunk({"text": "it over.", "thought": True}),
                chunk({"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}, "id": "fc-1"}}, finish="STOP"),
            ]
        ),
        SSEReply([chunk({"text": "Cold "}), chunk({"text": "in Oslo."}, finish="STOP")]),
    )
    async with google_agent(fake_llm_server).run_stream_events("Weather in Oslo?") as events:
        seen = [e async for e in events]
    calls = [e.part for e in seen if isinstance(e, FunctionToolCallEvent)]
    assert calls == [ToolCallPart("get_weather", {"city": "Oslo"}, "fc-1")]
    end = seen[-1]
    assert isinstance(end, AgentRunResultEvent)
    assert end.result.output == "Cold in Oslo."
    messages = end.result.all_messages()
    assert messages[1].parts[0] == ThinkingPart("Thinking it over.", provider_name="google-gla")
    last = messages[-1]
    assert isinstance(last, ModelResponse)
    assert (last.parts, last.model_name) == ([TextPart("Cold in Oslo.")], "gemini-local-001")


# -- the key -------------------------------------------------------------------------------------------


async def test_the_key_travels_in_a_header_only(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    error = {"error": {"code": 400, "message": f"API key not valid: {KEY}", "status": "INVALID_ARGUMENT"}}
    fake_llm_server.script(ErrorReply(400, error))
    with pytest.raises(ModelHTTPError) as info:
        await google_agent(fake_llm_server).run("hi")
    [request] = fake_llm_server.requests
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in request.path
    assert all(KEY not in value for name, value in request.headers.items() if name != "x-goog-api-key")
    assert info.value.status_code == 400
    assert info.value.body == {
        "error": {"code": 400, "message": "API key not valid: ***", "status": "INVALID_ARGUMENT"}
    }
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)


# -- faults --------------------------------------------------------------------------------------------


def unavailable() -> ErrorReply:
    body = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    return ErrorReply(503, body)


async def run_once(agent: Agent[None, str], *, stream: bool) -> str:
    if not stream:
        return (await agent.run("go")).output
    async with agent.run_stream_events("go") as events:
        seen = [event async for event in events]
    end = seen[-1]
    assert isinstance(end, AgentRunResultEvent)
    return end.result.output


@pytest.mark.parametrize(
    ("replies", "stream", "error", "match"),
    [
        pytest.param([ErrorReply(500, "oops")], False, None, "", id="500_retried"),
        pytest.param([unavailable()] * 2, True, None, "", id="503_burst_retried_streamed"),
        pytest.param(
            [unavailable()] * 3, False, ModelHTTPError, r"status_code: 503, .*UNAVAILABLE", id="503_exhausted"
        ),
        pytest.param(
            [RawReply(200, b'{"candidates": [', "application/json")],
            False,
            UnexpectedModelBehavior,
            "not JSON",
            id="malformed_json",
        ),
        pytest.param(
            [SSEReply([chunk({"text": "par"}), chunk({"text": "tial"})], drop_after=1)],
            True,
            ModelAPIError,
            "stream broke off",
            id="stream_cut_midway",
        ),
        pytest.param(
            [SSEReply([chunk({"text": "par"})])],
            True,
            ModelAPIError,
            "ended before the response was complete",
            id="stream_without_finish",
        ),
        pytest.param(
            [SSEReply([chunk({"text": "par"}), "data: {not json}\r\n\r\n"])],
            True,
            UnexpectedModelBehavior,
            "not JSON",
            id="malformed_sse_event",
        ),
        pytest.param(
            [JSONReply(chunk({"text": "x"}, finish="STOP"))],
            True,
            UnexpectedModelBehavior,
            "malformed event stream",
            id="stream_answered_with_json",
        ),
    ],
)
async def test_faults_end_in_a_retry_or_a_typed_error_and_leak_no_connection(
    fake_llm_server: FakeLLMServer,
    autojump_clock: MockClock,
    replies: list[Reply],
    stream: bool,
    error: type[Exception] | None,
    match: str,
) -> None:
    async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1)) as client:
        agent = google_agent(fake_llm_server, client=client)
        fake_llm_server.script(*replies)
        with trio.fail_after(10):
            if error is None:
                assert await run_once(agent, stream=stream) == "done"
            else:
                with pytest.raises(error, match=match) as info:
                    await run_once(agent, stream=stream)
                assert KEY not in str(info.value)
        assert fake_llm_server.pending_replies == 0  # every scripted fault was met
        with trio.fail_after(10):  # one pooled connection: had the fault kept it checked out, this would hang
            assert (await agent.run("again")).output == "done"
    with trio.fail_after(10):
        await fake_llm_server.wait_no_connections()


async def test_503_error_body_is_parsed(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    fake_llm_server.script(unavailable())
    with pytest.raises(ModelHTTPError) as info:
        await google_agent(fake_llm_server, max_attempts=1).run("go")
    assert info.value.status_code == 503
    assert info.value.body == {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}


async def test_429_waits_for_retry_after(fake_llm_server: FakeLLMServer, autojump_clock: MockClock) -> None:
    error = {"error": {"code": 429, "message": "Resource has been exhausted.", "status": "RESOURCE_EXHAUSTED"}}
    fake_llm_server.script(ErrorReply(429, error, {"retry-after": "7"}))
    result = await google_agent(fake_llm_server).run("go")
    assert result.output == "done"
    first, second = fake_llm_server.requests[:2]
    assert 7 <= second.received_at - first.received_at < 7.5  # the server's delay, not the policy's 0.1 s


async def test_cancelling_mid_stream_leaves_no_connection_checked_out(
    fake_llm_server: FakeLLMServer, autojump_clock: MockClock
) -> None:
    words = [chunk({"text": f"w{i} "}) for i in range(50)]
    fake_llm_server.script(SSEReply([*words, chunk({"text": "end"}, finish="STOP")], delay=1.0))
    async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1)) as client:
        agent = google_agent(fake_llm_server, client=client)
        seen = 0
        with trio.CancelScope() as scope:
            async with agent.run_stream_events("go") as events:
                async for event in events:
                    if isinstance(event, PartDeltaEvent):
                        seen += 1
                        if seen == 3:
                            scope.cancel()
        assert scope.cancelled_caught
        assert seen == 3  # cancelled mid-stream, long before its end
        with trio.fail_after(10):
            await fake_llm_server.wait_no_connections()
        with trio.fail_after(10):  # the one pooled connection is free again
            assert (await agent.run("again")).output == "done"


async def test_the_default_conversation_calls_each_function_once_per_turn(
    fake_llm_server: FakeLLMServer, autojump_clock: MockClock
) -> None:
    agent = google_agent(fake_llm_server)

    @agent.tool_plain
    async def get_time(zone: str) -> str:
        return f"noon in {zone}"

    first = await agent.run("Weather and time?")
    second = await agent.run("Again?", message_history=first.all_messages())
    for result in (first, second):
        assert result.output == "done"
        assert result.usage().tool_calls == 2
    assert len(fake_llm_server.requests) == 6  # per run: two calls, then the answer
    contents = fake_llm_server.requests[-1].json["contents"]
    assert [c["role"] for c in contents] == ["user", "model"] * 5 + ["user"]
    assert contents[6] == {"role": "user", "parts": [{"text": "Again?"}]}
    called = [p["functionCall"]["name"] for c in contents[7:] for p in c["parts"] if "functionCall" in p]
    assert called == ["get_weather", "get_time"]  # the history's calls belong to the earlier turn
