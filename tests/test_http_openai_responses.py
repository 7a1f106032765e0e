"""The OpenAI Responses adapter against a real HTTP server on 127.0.0.1 (``FakeLLMServer``, its ``/v1/responses``
route): full runs plain and streamed, exact event sequences, the reasoning round trip, faults and cancellation.

Every test runs on the autojump clock (a test asks for it by name: pytest-trio uses a clock passed as an
argument), so retry delays and timeouts take no real time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import trio
from pydantic import BaseModel
from trio.testing import MockClock

from trio_agent import Agent, ModelAPIError, ModelHTTPError, NativeOutput, UnexpectedModelBehavior
from trio_agent.messages import (
    FinalResultEvent,
    ModelRequest,
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ToolCallPart,
    UserPromptPart,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models.openai import OpenAIResponsesModel, OpenAIResponsesModelSettings
from trio_agent.providers import RetryPolicy
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.run import AgentRunResultEvent
from trio_agent.settings import ModelSettings
from trio_agent.testing import (
    CutReply,
    DropReply,
    ErrorReply,
    FakeLLMServer,
    JSONReply,
    RawReply,
    RecordedRequest,
    Reply,
    SSEReply,
    StallReply,
    sse_event,
)
from trio_agent.testing._default_responses import responses_default
from trio_agent.tools import ToolDefinition

KEY = "sk-fake-llm-server"  # what `FakeLLMServer.responses_model` authenticates with


def weather_agent(server: FakeLLMServer, model_name: str = "gpt-4o", **policy: Any) -> Agent[None, str]:
    model = server.responses_model(model_name, retry_policy=RetryPolicy(initial_delay=0.5, jitter=0, **policy))
    agent: Agent[None, str] = Agent(model)

    @agent.tool_plain
    async def get_weather(city: str) -> str:  # async: a sync tool's thread would let the autojump clock race it
        return f"sunny in {city}"

    return agent


def provider_of(agent: Agent[None, str]) -> OpenAIProvider:
    assert isinstance(agent.model, OpenAIResponsesModel)
    return agent.model.provider


def event(name: str, **data: Any) -> str:
    """A named SSE message as the Responses API sends it (the ``type`` repeated in the data)."""
    return sse_event(name, {"type": name, **data})


USAGE = {
    "input_tokens": 30,
    "input_tokens_details": {"cached_tokens": 10},
    "output_tokens": 25,
    "output_tokens_details": {"reasoning_tokens": 16},
    "total_tokens": 55,
}
SUMMARIES = [{"type": "summary_text", "text": "Look up the weather."}, {"type": "summary_text", "text": "Then answer."}]
REASONING = {"type": "reasoning", "id": "rs_1", "summary": SUMMARIES, "encrypted_content": "enc-rs-1"}
TEXT = {"type": "output_text", "text": "Checking...", "annotations": []}
MESSAGE = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": [TEXT]}
CALL = {
    "type": "function_call",
    "id": "fc_1",
    "call_id": "call_1",
    "name": "get_weather",
    "arguments": '{"city":"Paris"}',
    "status": "completed",
}


def response(status: str = "completed", output: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "resp_s",
        "object": "response",
        "created_at": 1700000000,
        "model": "o4-mini-2025-04-16",
        "status": status,
        "error": None,
        "incomplete_details": None,
        "output": output or [],
        "usage": USAGE if status != "in_progress" else None,
        **extra,
    }


def thinking_stream() -> list[str | dict[str, Any]]:
    """Reasoning with two summaries, text, then a tool call, as OpenAI streams them."""
    at0, at1, at2 = {"output_index": 0}, {"output_index": 1}, {"output_index": 2}
    summary = {"item_id": "rs_1", **at0}
    text = {"item_id": "msg_1", "content_index": 0, **at1}
    return [
        event("response.created", response=response("in_progress")),
        event("response.in_progress", response=response("in_progress")),
        event("response.output_item.added", item={"type": "reasoning", "id": "rs_1", "summary": []}, **at0),
        event(
            "response.reasoning_summary_part.added",
            summary_index=0,
            part={"type": "summary_text", "text": ""},
            **summary,
        ),
        event("response.reasoning_summary_text.delta", summary_index=0, delta="Look up ", **summary),
        event("response.reasoning_summary_text.delta", summary_index=0, delta="the weather.", **summary),
        event("response.reasoning_summary_text.done", summary_index=0, text="Look up the weather.", **summary),
        event(
            "response.reasoning_summary_part.added",
            summary_index=1,
            part={"type": "summary_text", "text": ""},
            **summary,
        ),
        event("response.reasoning_summary_text.delta", summary_index=1, delta="Then answer.", **summary),
        event("response.output_item.done", item=REASONING, **at0),
        event("response.output_item.added", item={**MESSAGE, "status": "in_progress", "content": []}, **at1),
        event("response.content_part.added", part={**TEXT, "text": ""}, **text),
        event("response.output_text.delta", delta="Check", **text),
        event("response.output_text.delta", delta="ing...", **text),
        event("response.output_text.done", text="Checking...", **text),
        event("response.output_item.done", item=MESSAGE, **at1),
        event("response.output_item.added", item={**CALL, "arguments": "", "status": "in_progress"}, **at2),
        event("response.function_call_arguments.delta", item_id="fc_1", delta='{"city":', **at2),
        event("response.function_call_arguments.delta", item_id="fc_1", delta='"Paris"}', **at2),
        event("response.function_call_arguments.done", item_id="fc_1", arguments=CALL["arguments"], **at2),
        event("response.output_item.done", item=CALL, **at2),
        event("response.completed", response=response(output=[REASONING, MESSAGE, CALL])),
    ]


# -- full runs -----------------------------------------------------------------------------------------


async def test_full_run_with_a_tool(autojump_clock: MockClock, fake_llm_server: FakeLLMServer) -> None:
    result = await weather_agent(fake_llm_server).run(
        "Weather in Paris?", model_settings={"extra_headers": {"x-trace": "7"}}
    )
    assert result.output == "done"
    assert [m.kind for m in result.all_messages()] == ["request", "response", "request", "response"]
    call = result.all_messages()[1].parts[0]
    assert call == ToolCallPart("get_weather", '{"city": "a"}', "call_1", id="fc_1", provider_name="openai")
    first, second = fake_llm_server.requests
    assert (first.path, first.headers["authorization"], first.headers["x-trace"]) == (
        "/v1/responses",
        f"Bearer {KEY}",
        "7",
    )
    assert first.json["tools"][0]["name"] == "get_weather"
    assert second.json["input"][1:] == [
        {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": '{"city":"a"}'},
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny in a"},
    ]
    assert (result.usage().requests, result.usage().input_tokens, result.usage().output_tokens) == (2, 20, 10)
    assert result.response.provider_response_id == "resp_2"
    assert fake_llm_server.total_connections == 1  # keep-alive: both requests on one connection


async def test_full_run_streamed(autojump_clock: MockClock, fake_llm_server: FakeLLMServer) -> None:
    agent = weather_agent(fake_llm_server)
    async with agent.run_stream_events("Weather?") as events:
        seen = [e async for e in events]
    kinds = [type(e).__name__ for e in seen]
    assert kinds.count("FunctionToolCallEvent") == 1
    assert kinds[-1] == "AgentRunResultEvent"
    text = [e.delta.content_delta for e in seen if isinstance(e, PartDeltaEvent) and isinstance(e.delta, TextPartDelta)]
    assert text == ["ne"]  # the default answer arrives in two halves: "do" starts the part, "ne" is a delta
    assert [r.json["stream"] for r in fake_llm_server.requests] == [True, True]
    async with agent.run_stream("Weather?") as result:
        assert await result.get_output() == "done"
    assert result.usage().requests == 2


class City(BaseModel):
    name: str


async def test_structured_output_through_tools_and_natively(
    autojump_clock: MockClock, fake_llm_server: FakeLLMServer
) -> None:
    model = fake_llm_server.responses_model("gpt-4o")
    assert (await Agent(model, output_type=City).run("city?")).output == City(name="a")
    tool_request = fake_llm_server.requests[-1].json
    assert (tool_request["tool_choice"], tool_request["tools"][0]["name"]) == ("required", "final_result")
    async with Agent(model, output_type=NativeOutput(City)).run_stream("city?") as streamed:
        assert await streamed.get_output() == City(name="a")
    native_request = fake_llm_server.requests[-1].json
    assert native_request["text"]["format"]["type"] == "json_schema"
    assert native_request["text"]["format"]["name"] == "City"
    assert "tools" not in native_request


# -- scripted streams ----------------------------------------------------------------------------------


async def test_a_streamed_reply_maps_to_part_events_and_a_response(
    autojump_clock: MockClock, fake_llm_server: FakeLLMServer
) -> None:
    fake_llm_server.script(SSEReply(thinking_stream()))
    model = fake_llm_server.responses_model("o4-mini")
    weather = ToolDefinition(name="get_weather", parameters_json_schema={"type": "object", "properties": {}})
    request = ModelRequest(parts=[UserPromptPart("Weather in Paris?")])
    async with model.request_stream([request], None, ModelRequestParameters(function_tools=[weather])) as stream:
        events = [e async for e in stream]
        got = stream.get()
    starts = [(e.index, type(e.part).__name__) for e in events if isinstance(e, PartStartEvent)]
    assert starts == [(0, "ThinkingPart"), (1, "ThinkingPart"), (2, "TextPart"), (3, "ToolCallPart")]
    assert sum(isinstance(e, FinalResultEvent) for e in events) == 1  # at the text
    assert got.parts == [
        ThinkingPart("Look up the weather.", id="rs_1", signature="enc-rs-1", provider_name="openai"),
        ThinkingPart("Then answer.", id="rs_1", provider_name="openai"),
        TextPart("Checking...", id="msg_1", provider_name="openai"),
        ToolCallPart("get_weather", '{"city":"Paris"}', "call_1", id="fc_1", provider_name="openai"),
    ]
    assert (got.state, got.finish_reason, got.provider_response_id, got.model_name) == (
        "complete",
        "stop",
        "resp_s",
        "o4-mini-2025-04-16",
    )
    assert (got.usage.input_tokens, got.usage.cache_read_tokens, got.usage.output_tokens) == (30, 10, 25)
    assert got.usage.details == {"reasoning_tokens": 16}
    body = fake_llm_server.requests[0].json
    assert (body["stream"], body["include"]) == (True, ["reasoning.encrypted_content"])


@pytest.mark.parametrize("streamed", [False, True])
async def test_reasoning_goes_back_for_the_next_turn(
    autojump_clock: MockClock, fake_llm_server: FakeLLMServer, streamed: bool
) -> None:
    first: Reply = SSEReply(thinking_stream()) if streamed else JSONReply(response(output=[REASONING, MESSAGE, CALL]))
    fake_llm_server.script(first)
    agent = weather_agent(fake_llm_server, "o4-mini")
    settings: OpenAIResponsesModelSettings = {"openai_reasoning_effort": "low", "openai_reasoning_summary": "auto"}
    if streamed:
        async with agent.run_stream_events("Weather in Paris?", model_settings=settings) as events:
            async for _ in events:
                pass
    else:
        await agent.run("Weather in Paris?", model_settings=settings)
    first_body, second_body = (r.json for r in fake_llm_server.requests)
    assert first_body["reasoning"] == {"effort": "low", "summary": "auto"}
    assert second_body["input"] == [
        {"role": "user", "content": "Weather in Paris?"},
        {"type": "reasoning", "id": "rs_1", "summary": SUMMARIES, "encrypted_content": "enc-rs-1"},
        {**MESSAGE, "content": [TEXT]},
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": '{"city":"Paris"}',
            "id": "fc_1",
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny in Paris"},
    ]


async def test_an_incomplete_stream_ends_with_length(autojump_clock: MockClock, fake_llm_server: FakeLLMServer) -> None:
    text = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    cut_short = response("incomplete", incomplete_details={"reason": "max_output_tokens"})
    fake_llm_server.script(
        SSEReply(
            [
                event("response.created", response=response("in_progress")),
                event("response.output_text.delta", delta="Once upon", **text),
                event("response.incomplete", response=cut_short),
            ]
        )
    )
    model = fake_llm_server.responses_model()
    async with model.request_stream([], {"max_tokens": 3}, ModelRequestParameters()) as stream:
        [e async for e in stream]
        got = stream.get()
    assert (got.parts, got.finish_reason) == ([TextPart("Once upon", id="msg_1", provider_name="openai")], "length")
    assert fake_llm_server.requests[0].json["max_output_tokens"] == 3


async def test_a_refusal_stream_is_a_content_filter_finish(
    autojump_clock: MockClock, fake_llm_server: FakeLLMServer
) -> None:
    refusal = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    fake_llm_server.script(
        SSEReply(
            [
                event("response.refusal.delta", delta="I can't ", **refusal),
                event("response.refusal.delta", delta="help.", **refusal),
                event("response.refusal.done", refusal="I can't help with that.", **refusal),
                event("response.completed", response=response()),
            ]
        )
    )
    async with fake_llm_server.responses_model().request_stream([], None, ModelRequestParameters()) as stream:
        [e async for e in stream]
        got = stream.get()
    assert (got.parts, got.finish_reason) == ([], "content_filter")
    assert got.provider_details == {"refusal": "I can't help with that."}


async def test_items_that_were_not_streamed_come_from_their_done_events(
    autojump_clock: MockClock, fake_llm_server: FakeLLMServer
) -> None:
    """Some servers that speak the Responses API send finished items without deltas."""
    fake_llm_server.script(
        SSEReply(
            [
                event("response.output_item.done", item=REASONING, output_index=0),
                event("response.output_item.done", item=MESSAGE, output_index=1),
                event("response.output_item.done", item=CALL, output_index=2),
                event("response.completed", response=response()),
                "data: [DONE]\n\n",
            ]
        )
    )
    async with fake_llm_server.responses_model().request_stream([], None, ModelRequestParameters()) as stream:
        [e async for e in stream]
        got = stream.get()
    assert got.parts == [
        ThinkingPart("Look up the weather.", id="rs_1", signature="enc-rs-1", provider_name="openai"),
        ThinkingPart("Then answer.", id="rs_1", provider_name="openai"),
        TextPart("Checking...", id="msg_1", provider_name="openai"),
        ToolCallPart("get_weather", '{"city":"Paris"}', "call_1", id="fc_1", provider_name="openai"),
    ]


# -- faults --------------------------------------------------------------------------------------------


def partial_stream() -> list[str | dict[str, Any]]:
    """The start of a text answer, without ``response.completed``."""
    text = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    return [
        event("response.created", response=response("in_progress")),
        event("response.output_text.delta", delta="par", **text),
        event("response.output_text.delta", delta="tial", **text),
    ]


FAILED = {"code": "server_error", "message": f"The model crashed ({KEY})"}


@dataclass(frozen=True)
class Fault:
    name: str
    replies: list[Reply]
    """Scripted before the server's default replies."""
    expect: type[Exception] | None = None
    """``None``: the run succeeds after retries."""
    match: str = ""
    stream: bool = False
    policy: dict[str, Any] = field(default_factory=dict)
    settings: ModelSettings | None = None
    gap: float | None = None
    """The seconds between the first two requests (a honoured ``Retry-After``, on the autojump clock)."""


FAULTS = [
    Fault("429_retry_after", [ErrorReply(429, "slow down", {"retry-after": "7"})], gap=7.0),
    Fault("5xx_burst_then_ok", [ErrorReply(500, "oops"), ErrorReply(502)]),
    Fault("5xx_burst_then_ok_streamed", [ErrorReply(500, "oops"), ErrorReply(503)], stream=True),
    Fault(
        "503_exhausted",
        [ErrorReply(503, {"error": "busy"})] * 2,
        ModelHTTPError,
        r"status_code: 503",
        policy={"max_attempts": 2},
    ),
    Fault("400_not_retried", [ErrorReply(400, {"error": {"message": "bad"}})], ModelHTTPError, "status_code: 400"),
    Fault("dropped_then_ok", [DropReply()]),
    Fault("cut_mid_json_then_ok", [CutReply(b'{"id": "resp_1", "output": [')]),
    Fault(
        "cut_mid_json_exhausted",
        [CutReply(b'{"id": "resp_1", "output": [')] * 2,
        ModelAPIError,
        r"after 2 attempt.*RemoteProtocolError",
        policy={"max_attempts": 2},
    ),
    Fault(
        "stream_cut_midway", [SSEReply(partial_stream(), drop_after=2)], ModelAPIError, "stream broke off", stream=True
    ),
    Fault(
        "stream_truncated",
        [SSEReply(partial_stream())],
        ModelAPIError,
        "ended before the response was complete",
        stream=True,
    ),
    Fault("invalid_json", [RawReply(200, b'{"output": [', "application/json")], UnexpectedModelBehavior, "not JSON"),
    Fault("wrong_shape_json", [JSONReply({"id": "resp_1"})], UnexpectedModelBehavior, "expected fields"),
    Fault(
        "malformed_sse_event",
        [SSEReply([*partial_stream(), "event: response.completed\ndata: {not json}\n\n"])],
        UnexpectedModelBehavior,
        "not JSON",
        stream=True,
    ),
    Fault(
        "stream_answered_with_json",
        [JSONReply(response(output=[MESSAGE]))],
        UnexpectedModelBehavior,
        "malformed event stream",
        stream=True,
    ),
    Fault(
        "failed_status",
        [JSONReply(response("failed", error=FAILED))],
        ModelAPIError,
        r"response failed: server_error: The model crashed",
    ),
    Fault(
        "failed_event",
        [SSEReply([*partial_stream(), event("response.failed", response=response("failed", error=FAILED))])],
        ModelAPIError,
        r"response failed: server_error: The model crashed",
        stream=True,
    ),
    Fault(
        "error_event",
        [SSEReply([event("error", code="rate_limit_exceeded", message="Slow down.", param=None)])],
        ModelAPIError,
        r"reported an error mid-stream: rate_limit_exceeded: Slow down\.",
        stream=True,
    ),
    Fault(
        "stall_times_out",
        [StallReply(60)],
        ModelAPIError,
        "ReadTimeout",
        policy={"max_attempts": 1},
        settings={"timeout": 2.0},
    ),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_fault(autojump_clock: MockClock, fake_llm_server: FakeLLMServer, fault: Fault) -> None:
    fake_llm_server.script(*fault.replies)
    agent = weather_agent(fake_llm_server, **fault.policy)
    error: Exception | None = None
    with trio.fail_after(120):
        try:
            if fault.stream:
                async with agent.run_stream_events("go", model_settings=fault.settings) as events:
                    last = [e async for e in events][-1]
                assert isinstance(last, AgentRunResultEvent)
                output = last.result.output
            else:
                output = (await agent.run("go", model_settings=fault.settings)).output
        except (ModelAPIError, UnexpectedModelBehavior) as exc:
            error = exc
    if fault.expect is None:
        assert error is None, f"expected a successful retry, got {error!r}"
        assert output == "done"
    else:
        assert isinstance(error, fault.expect), f"expected {fault.expect.__name__}, got {error!r}"
        assert fault.match, "a failing case says what its error must say"
        assert re.search(fault.match, str(error)), str(error)
        assert KEY not in str(error)
    assert fake_llm_server.pending_replies == 0  # every scripted fault was met
    if fault.gap is not None:
        first, second = fake_llm_server.requests[:2]
        assert fault.gap <= second.received_at - first.received_at < fault.gap + 0.5
    with trio.fail_after(30):
        assert (await agent.run("again")).output == "done"  # the pool is usable right after
        await provider_of(agent).aclose()
        await fake_llm_server.wait_no_connections()  # closes only if no request is left in flight


async def test_cancelling_mid_stream_leaves_no_connection_checked_out(
    autojump_clock: MockClock, fake_llm_server: FakeLLMServer
) -> None:
    text = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    slow = [event("response.output_text.delta", delta=f"tok{i} ", **text) for i in range(50)]
    fake_llm_server.script(SSEReply([event("response.created", response=response("in_progress")), *slow], delay=0.5))
    agent = Agent(fake_llm_server.responses_model())
    deltas = 0
    with trio.move_on_after(1.8) as scope:
        async with agent.run_stream("go") as result:
            async for _ in result.stream_text(delta=True):
                deltas += 1
    assert scope.cancelled_caught
    assert 2 <= deltas < 50  # cancelled mid-stream, not at its end
    with trio.fail_after(5):
        await fake_llm_server.wait_no_connections()  # the cancelled stream's connection was closed, not pooled
    assert (await agent.run("again")).output == "done"
    assert fake_llm_server.total_connections == 2
    with trio.fail_after(5):
        await provider_of(agent).aclose()
        await fake_llm_server.wait_no_connections()


async def test_a_provider_by_name_reaches_the_server(
    fake_llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm_server.base_url_openai)
    model = OpenAIResponsesModel("gpt-4o", provider="openai")
    assert (await Agent(model).run("hi")).output == "done"
    assert fake_llm_server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    await model.provider.aclose()


# -- the server's default conversation -----------------------------------------------------------------

WEATHER = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
    "required": ["city", "days"],
}
TOOLS = [
    {"type": "function", "name": "weather", "parameters": WEATHER, "strict": True},
    {"type": "function", "name": "final_result", "parameters": {"type": "object", "properties": {}}, "strict": True},
]


def default_reply(n: int = 1, **body: Any) -> Any:
    request = RecordedRequest(method="POST", path="/v1/responses", headers={}, body=b"", json={"model": "m", **body})
    return responses_default(request, n)


def called(name: str) -> list[dict[str, Any]]:
    call = {"type": "function_call", "call_id": f"c_{name}", "name": name, "arguments": "{}"}
    return [call, {"type": "function_call_output", "call_id": f"c_{name}", "output": "ok"}]


def test_the_default_conversation_calls_each_tool_once_per_turn_then_answers() -> None:
    user = {"role": "user", "content": "hi"}
    first = default_reply(4, input=[user], tools=TOOLS).body
    assert {k: first[k] for k in ("id", "object", "status", "model")} == {
        "id": "resp_4",
        "object": "response",
        "status": "completed",
        "model": "m",
    }
    assert first["output"] == [
        {
            "type": "function_call",
            "id": "fc_4",
            "call_id": "call_4",
            "name": "weather",
            "arguments": '{"city": "a", "days": 1}',  # valid for the schema
            "status": "completed",
        }
    ]
    assert first["usage"]["input_tokens"] == 10
    second = default_reply(input=[user, *called("weather")], tools=TOOLS).body
    assert second["output"][0]["name"] == "final_result"
    done = default_reply(input=[user, *called("weather"), *called("final_result")], tools=TOOLS).body
    assert done["output"][0]["content"][0]["text"] == "done"
    next_turn = [user, *called("weather"), *called("final_result"), {"role": "user", "content": "again"}]
    assert default_reply(input=next_turn, tools=TOOLS).body["output"][0]["name"] == "weather"
    schema = {"format": {"type": "json_schema", "name": "City", "schema": WEATHER}}
    native = default_reply(input=[user], text=schema).body
    assert native["output"][0]["content"][0]["text"] == '{"city": "a", "days": 1}'


def test_the_default_stream_is_the_events_openai_sends() -> None:
    reply = default_reply(2, input=[{"role": "user", "content": "hi"}], stream=True)
    assert isinstance(reply, SSEReply)
    messages = [text.split("\n")[:2] for text in reply.events if isinstance(text, str)]
    names = [head.removeprefix("event: ") for head, _ in messages]
    data = [json.loads(body.removeprefix("data: ")) for _, body in messages]
    assert names == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [d["type"] for d in data] == names
    assert [d["sequence_number"] for d in data] == list(range(len(names)))
    assert "".join(d["delta"] for d in data if d["type"] == "response.output_text.delta") == "done"
    assert data[-1]["response"]["output"] == [data[-2]["item"]]
    assert data[-1]["response"]["usage"]["total_tokens"] == 15
