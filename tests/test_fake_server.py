"""The fake LLM server used by the provider tests, exercised with a plain httpx2 client."""

from __future__ import annotations

import gzip
import json
from typing import Any, Literal

import httpx2
import pytest
import trio
from pydantic import BaseModel, Field

from trio_agent import Agent
from trio_agent.testing import (
    DropReply,
    ErrorReply,
    FakeLLMServer,
    JSONReply,
    RawReply,
    SSEReply,
    StallReply,
    sse_event,
)

WEATHER_TOOL_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "unit": {"type": "string"}},
    "required": ["city", "days"],
}
OPENAI_TOOLS = [{"type": "function", "function": {"name": "weather", "parameters": WEATHER_TOOL_SCHEMA}}]
ANTHROPIC_TOOLS = [{"name": "weather", "input_schema": WEATHER_TOOL_SCHEMA}]
USER = [{"role": "user", "content": "hi"}]


def chat(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": USER, **extra}


async def sse_data(client: httpx2.AsyncClient, url: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """(event name, data) of every SSE message of a streamed reply."""
    async with client.stream("POST", url, json=body) as response:
        return [(sse.event, sse.data) async for sse in httpx2.EventSource(response)]


async def test_openai_default_text_reply_is_recorded(fake_llm_server: FakeLLMServer) -> None:
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        response = await client.post("/chat/completions", json=chat(), headers={"Authorization": "Bearer k"})
    body = response.json()
    assert response.status_code == 200
    assert body["object"] == "chat.completion"
    assert body["choices"] == [
        {"index": 0, "message": {"role": "assistant", "content": "done"}, "finish_reason": "stop"}
    ]
    assert body["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    [request] = fake_llm_server.requests
    assert (request.method, request.path, request.json) == ("POST", "/v1/chat/completions", chat())
    assert request.headers["authorization"] == "Bearer k"


async def test_openai_default_calls_each_tool_once_then_answers(fake_llm_server: FakeLLMServer) -> None:
    tools = [*OPENAI_TOOLS, {"type": "function", "function": {"name": "final_result", "parameters": {}}}]

    def after(*names: str) -> list[dict[str, Any]]:
        calls = [
            {"id": f"c{i}", "type": "function", "function": {"name": n, "arguments": "{}"}} for i, n in enumerate(names)
        ]
        results = [{"role": "tool", "tool_call_id": f"c{i}", "content": "ok"} for i in range(len(names))]
        return [*USER, {"role": "assistant", "content": None, "tool_calls": calls}, *results]

    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        first = (await client.post("/chat/completions", json=chat(tools=tools))).json()
        second = (await client.post("/chat/completions", json=chat(tools=tools, messages=after("weather")))).json()
        done = (
            await client.post("/chat/completions", json=chat(tools=tools, messages=after("weather", "final_result")))
        ).json()
    [choice] = first["choices"]
    assert choice["finish_reason"] == "tool_calls"
    [call] = choice["message"]["tool_calls"]
    assert (call["id"], call["type"], call["function"]["name"]) == ("call_1", "function", "weather")
    assert json.loads(call["function"]["arguments"]) == {"city": "a", "days": 0}
    assert second["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "final_result"
    assert done["choices"][0]["message"]["content"] == "done"


async def test_openai_default_stream_of_text(fake_llm_server: FakeLLMServer) -> None:
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        messages = await sse_data(client, "/chat/completions", chat(stream=True))
    assert messages[-1] == ("message", "[DONE]")
    chunks = [json.loads(data) for _, data in messages[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == chunks[0]["id"] for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    texts = [c["choices"][0]["delta"].get("content") for c in chunks[1:-1]]
    assert texts == ["do", "ne"]
    assert chunks[-1]["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]


async def test_openai_default_stream_of_a_tool_call_with_usage(fake_llm_server: FakeLLMServer) -> None:
    body = chat(stream=True, tools=OPENAI_TOOLS, stream_options={"include_usage": True})
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        messages = await sse_data(client, "/chat/completions", body)
    chunks = [json.loads(data) for _, data in messages[:-1]]
    calls = [
        c["choices"][0]["delta"]["tool_calls"][0]
        for c in chunks
        if c["choices"] and "tool_calls" in c["choices"][0]["delta"]
    ]
    assert calls[0] == {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "weather", "arguments": ""},
    }
    assert len(calls) == 3
    assert json.loads("".join(c["function"]["arguments"] for c in calls)) == {"city": "a", "days": 0}
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] == 15


async def test_anthropic_default_replies(fake_llm_server: FakeLLMServer) -> None:
    body = {"model": "claude-test", "max_tokens": 100, "messages": USER, "tools": ANTHROPIC_TOOLS}
    result = [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}]
    call = {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {}}
    answered = {
        **body,
        "messages": [*USER, {"role": "assistant", "content": [call]}, {"role": "user", "content": result}],
    }
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_anthropic) as client:
        tool_use = (await client.post("/v1/messages", json=body)).json()
        text = (await client.post("/v1/messages", json=answered)).json()
        streamed = await sse_data(client, "/v1/messages", {**body, "stream": True})
    assert tool_use["stop_reason"] == "tool_use"
    assert tool_use["content"] == [
        {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "a", "days": 0}}
    ]
    assert (text["type"], text["role"], text["stop_reason"]) == ("message", "assistant", "end_turn")
    assert text["content"] == [{"type": "text", "text": "done"}]
    assert text["usage"] == {"input_tokens": 10, "output_tokens": 5}
    names = [name for name, _ in streamed]
    assert names == [
        "message_start",
        "content_block_start",
        *["content_block_delta"] * 2,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    events = [json.loads(data) for _, data in streamed]
    assert [e["type"] for e in events] == names
    assert events[0]["message"]["content"] == []
    assert events[1]["content_block"] == {"type": "tool_use", "id": "toolu_3", "name": "weather", "input": {}}
    assert json.loads("".join(e["delta"]["partial_json"] for e in events[2:4])) == {"city": "a", "days": 0}
    assert events[5]["delta"]["stop_reason"] == "tool_use"


async def test_sse_framing_is_sent_as_scripted(fake_llm_server: FakeLLMServer) -> None:
    raw = "event: ping\ndata: {}\n\n"
    fake_llm_server.script(
        SSEReply([{"a": 1}, raw, sse_event("x", {"b": 2})], terminator="data: [DONE]\n\n", headers={"X-Req": "7"})
    )
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        response = await client.post("/chat/completions", json=chat())
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.headers["x-req"] == "7"
    assert "content-length" not in response.headers
    assert response.text == 'data: {"a": 1}\n\n' + raw + 'event: x\ndata: {"b": 2}\n\n' + "data: [DONE]\n\n"


async def test_scripted_replies_are_consumed_in_order(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(
        ErrorReply(429, {"error": {"message": "slow down"}}, headers={"retry-after": "1"}),
        ErrorReply(500, "boom"),
        RawReply(200, b"<html>", "text/html"),
        JSONReply({"ok": True}, status=201, headers={"x-id": "9"}),
    )
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_anthropic) as client:
        responses = [await client.post("/v1/messages", json={}) for _ in range(5)]
    limited, failed, html, scripted, default = responses
    assert (limited.status_code, limited.headers["retry-after"], limited.json()) == (
        429,
        "1",
        {"error": {"message": "slow down"}},
    )
    assert (failed.status_code, failed.text, failed.headers["content-type"]) == (
        500,
        "boom",
        "text/plain; charset=utf-8",
    )
    assert (html.status_code, html.content, html.headers["content-type"]) == (200, b"<html>", "text/html")
    assert (scripted.status_code, scripted.headers["x-id"], scripted.json()) == (201, "9", {"ok": True})
    assert default.json()["content"] == [{"type": "text", "text": "done"}]
    assert fake_llm_server.pending_replies == 0


async def test_raw_replies_send_any_bytes_with_any_headers(fake_llm_server: FakeLLMServer) -> None:
    zipped = gzip.compress(b'{"ok": true}')
    fake_llm_server.script(
        RawReply(200, zipped, "application/json", headers={"content-encoding": "gzip", "x-id": "1"}),
        RawReply(200, b"not gzip", "application/json", headers={"Content-Encoding": "gzip"}),
    )
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        good = await client.post("/chat/completions", json=chat())
        assert (good.json(), good.headers["x-id"], good.headers["content-length"]) == (
            {"ok": True},
            "1",
            str(len(zipped)),
        )
        with pytest.raises(httpx2.DecodingError):
            await client.post("/chat/completions", json=chat())


async def test_unknown_routes_and_bad_bodies(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(JSONReply({"kept": True}))
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_anthropic) as client:
        assert (await client.post("/v1/other", json={})).status_code == 404
        assert (await client.get("/v1/messages")).status_code == 405
        assert (await client.post("/v1/messages", json={})).json() == {"kept": True}
        assert (await client.post("/v1/messages", content=b"not json")).status_code == 400
    assert [r.path for r in fake_llm_server.requests] == ["/v1/other", "/v1/messages", "/v1/messages", "/v1/messages"]
    assert fake_llm_server.requests[-1].json is None


async def test_drop_reply_is_a_client_error(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(DropReply())
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.post("/chat/completions", json=chat())
        assert (await client.post("/chat/completions", json=chat())).status_code == 200
    assert len(fake_llm_server.requests) == 2
    assert fake_llm_server.total_connections == 2


async def test_drop_after_closes_mid_stream(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(SSEReply([{"n": 0}, {"n": 1}, {"n": 2}], drop_after=2, terminator="data: [DONE]\n\n"))
    received: list[str] = []
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            async with client.stream("POST", "/chat/completions", json=chat()) as response:
                async for sse in httpx2.EventSource(response):
                    received.append(sse.data)
    assert received == ['{"n": 0}', '{"n": 1}']
    with trio.fail_after(2):
        await fake_llm_server.wait_no_connections()


async def test_delay_spaces_out_events(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(SSEReply([{"n": 0}, {"n": 1}, {"n": 2}], delay=0.05))
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        start = trio.current_time()
        messages = await sse_data(client, "/chat/completions", chat())
    assert len(messages) == 3
    assert trio.current_time() - start >= 0.1


async def test_stall_reply_trips_the_read_timeout_and_frees_the_connection(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(StallReply(30), StallReply(0.01))
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai, timeout=0.1) as client:
        with pytest.raises(httpx2.ReadTimeout):
            await client.post("/chat/completions", json=chat())
        with trio.fail_after(2):
            await fake_llm_server.wait_no_connections()
        assert (await client.post("/chat/completions", json=chat())).json() == {}


async def test_connections_are_counted_and_released(fake_llm_server: FakeLLMServer) -> None:
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        await client.post("/chat/completions", json=chat())
        assert fake_llm_server.open_connections == 1
    with trio.fail_after(2):
        await fake_llm_server.wait_no_connections()
    assert (fake_llm_server.open_connections, fake_llm_server.total_connections) == (0, 1)


async def test_keep_alive_reuses_one_connection(fake_llm_server: FakeLLMServer) -> None:
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        await client.post("/chat/completions", json=chat())
        await sse_data(client, "/chat/completions", chat(stream=True))
        await client.post("/chat/completions", json=chat())
    assert fake_llm_server.total_connections == 1
    assert len(fake_llm_server.requests) == 3


async def test_cancelling_the_server_closes_listener_and_connections() -> None:
    server = FakeLLMServer()
    async with httpx2.AsyncClient(base_url="http://127.0.0.1") as client:
        async with trio.open_nursery() as nursery:
            await nursery.start(server.serve)
            await client.post(f"{server.base_url_openai}/chat/completions", json=chat())
            assert server.open_connections == 1
            nursery.cancel_scope.cancel()
        assert server.open_connections == 0
        with pytest.raises(httpx2.TransportError):
            await client.post(f"{server.base_url_openai}/chat/completions", json=chat())


# -- unscripted conversations: every turn, structured output, arguments that validate -------------------


async def test_openai_default_counts_tool_calls_per_user_turn(fake_llm_server: FakeLLMServer) -> None:
    tools = [*OPENAI_TOOLS, {"type": "function", "function": {"name": "final_result", "parameters": {}}}]
    first_turn = [
        *USER,
        {"role": "assistant", "content": None, "tool_calls": [call("c1", "weather"), call("c2", "final_result")]},
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
        {"role": "tool", "tool_call_id": "c2", "content": "Final result processed."},
    ]
    second_turn = [*first_turn, {"role": "user", "content": "and tomorrow?"}]
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_openai) as client:
        again = (await client.post("/chat/completions", json=chat(tools=tools, messages=second_turn))).json()
        then = [*second_turn, {"role": "assistant", "content": None, "tool_calls": [call("c3", "weather")]}]
        then.append({"role": "tool", "tool_call_id": "c3", "content": "rain"})
        output = (await client.post("/chat/completions", json=chat(tools=tools, messages=then))).json()
    assert again["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "weather"
    assert output["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "final_result"


def call(call_id: str, name: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": "{}"}}


async def test_anthropic_default_counts_tool_calls_per_user_turn(fake_llm_server: FakeLLMServer) -> None:
    use = {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {}}
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}
    answer = {"type": "text", "text": "done"}
    messages = [
        *USER,
        {"role": "assistant", "content": [use]},
        {"role": "user", "content": [result]},  # tool results are not a new turn...
        {"role": "assistant", "content": [answer]},
        {"role": "user", "content": [{"type": "text", "text": "and tomorrow?"}]},  # ...a prompt is
    ]
    body = {"model": "claude-test", "max_tokens": 100, "tools": ANTHROPIC_TOOLS}
    async with httpx2.AsyncClient(base_url=fake_llm_server.base_url_anthropic) as client:
        in_turn = (await client.post("/v1/messages", json={**body, "messages": messages[:3]})).json()
        next_turn = (await client.post("/v1/messages", json={**body, "messages": messages})).json()
    assert in_turn["content"] == [answer]
    assert next_turn["content"][0]["name"] == "weather"


class Address(BaseModel):
    street: str = Field(min_length=3)
    country: Literal["FR", "JP"]


class Person(BaseModel):
    name: str = Field(min_length=2, max_length=20)
    age: int = Field(ge=18, le=130)
    score: float = Field(gt=0.5)
    tags: list[str] = Field(min_length=2)
    address: Address
    nickname: str | None
    email: str = Field(default="x@example.org", pattern=r"^\S+@\S+$")  # not required: left out


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize("stream", [False, True])
async def test_a_structured_conversation_goes_on_turn_after_turn(
    fake_llm_server: FakeLLMServer, kind: str, stream: bool
) -> None:
    model = fake_llm_server.openai_model() if kind == "openai" else fake_llm_server.anthropic_model()
    agent = Agent(model, output_type=Person)
    looked_up: list[str] = []

    @agent.tool_plain
    def lookup(name: str) -> str:
        """Look a person up."""
        looked_up.append(name)
        return "found"

    history: list[Any] = []
    for turn in range(3):
        if stream:
            async with agent.run_stream(f"turn {turn}", message_history=history) as result:
                person = await result.get_output()
            assert result.result is not None
            history = result.result.all_messages()
        else:
            run = await agent.run(f"turn {turn}", message_history=history)
            person, history = run.output, run.all_messages()
        assert isinstance(person, Person)
        assert (person.age, person.address.country, len(person.tags)) == (18, "FR", 2)
    assert len(looked_up) == 3  # each turn looks the person up, then answers with the output tool
    calls = [p.tool_name for m in history for p in m.parts if p.part_kind == "tool-call"]
    assert calls == ["lookup", "final_result"] * 3


async def test_reply_chooses_from_the_request_before_the_script_and_defaults() -> None:
    def by_user(request: Any) -> JSONReply | None:
        text = request.json["messages"][0]["content"]
        if text == "script":
            return None  # falls through to the script (then the default replies)
        return JSONReply({"echo": text})

    server = FakeLLMServer(reply=by_user)
    server.script(ErrorReply(418, {"error": {"message": "scripted"}}))
    async with trio.open_nursery() as nursery:
        await nursery.start(server.serve)
        async with httpx2.AsyncClient(base_url=server.base_url_openai) as client:
            answers: dict[str, Any] = {}

            async def ask(text: str) -> None:
                body = {"model": "m", "messages": [{"role": "user", "content": text}]}
                answers[text] = (await client.post("/chat/completions", json=body)).json()

            async with trio.open_nursery() as askers:  # concurrent requests, each answered by what it sent
                for text in ("a", "b", "c"):
                    askers.start_soon(ask, text)
            await ask("script")
            await ask("d")
        nursery.cancel_scope.cancel()
    assert answers == {
        "a": {"echo": "a"},
        "b": {"echo": "b"},
        "c": {"echo": "c"},
        "script": {"error": {"message": "scripted"}},
        "d": {"echo": "d"},
    }
    assert len(server.requests) == 5
