"""The Anthropic Messages adapter against ``httpx2.MockTransport``: request bodies, response parsing, streaming,
errors, whole agent runs, and the secrecy of the API key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from trio_agent import Agent, ModelAPIError, ModelHTTPError, NativeOutput, UnexpectedModelBehavior, UserError
from trio_agent.messages import (
    AudioUrl,
    BinaryContent,
    CachePoint,
    DocumentUrl,
    ImageUrl,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models import ModelRequestParameters
from trio_agent.models.anthropic import AnthropicModel
from trio_agent.providers import RetryPolicy
from trio_agent.providers.anthropic import AnthropicProvider
from trio_agent.tools import ToolDefinition

KEY = "sk-ant-test-secret"
RETRY = "\n\nFix the errors and try again."


def message(*content: dict[str, Any], stop: str | None = "end_turn", usage: dict[str, Any] | None = None) -> Any:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": list(content),
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage or {"input_tokens": 10, "output_tokens": 5},
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(id: str, name: str, input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": id, "name": name, "input": input}


def tool_result(id: str, content: str, *, error: bool = False) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": id, "content": [text(content)], "is_error": error}


class Recorder:
    """A MockTransport handler replying from a script and recording the requests."""

    def __init__(self, *replies: httpx2.Response | Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        reply = self.replies.pop(0)
        return reply(request) if callable(reply) else reply

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def ok(*content: dict[str, Any], **kwargs: Any) -> httpx2.Response:
    return httpx2.Response(200, json=message(*content, **kwargs))


def model_for(recorder: Recorder, **provider: Any) -> AnthropicModel:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    return AnthropicModel(
        "claude-test",
        provider=AnthropicProvider(base_url="http://llm.test", api_key=KEY, http_client=client, **provider),
    )


async def request(model: AnthropicModel, messages: list[Any], settings: Any = None, **params: Any) -> ModelResponse:
    return await model.request(messages, settings, ModelRequestParameters(**params))


async def test_message_kinds_map_to_alternating_messages() -> None:
    recorder = Recorder(ok(text("ok")))
    history = [
        ModelRequest(parts=[SystemPromptPart("sys one"), SystemPromptPart("sys two"), UserPromptPart("hi")]),
        ModelResponse(
            parts=[
                ThinkingPart("hmm", signature="sig-1", provider_name="anthropic"),
                ThinkingPart("unsigned, not replayable"),
                ThinkingPart("", id="redacted_thinking", signature="opaque", provider_name="anthropic"),
                TextPart("let me look"),
                TextPart(""),
                ToolCallPart("lookup", '{"q": "x"}', "toolu_1"),
                ToolCallPart("other", None, "toolu_2"),
            ]
        ),
        ModelRequest(
            parts=[
                ToolReturnPart("lookup", "boom", "toolu_1", outcome="failed"),
                RetryPromptPart("bad args", tool_name="other", tool_call_id="toolu_2"),
            ],
            instructions="Old instructions.",
        ),
        ModelResponse(parts=[ThinkingPart("")]),  # nothing to send, so the user turns around it merge
        ModelRequest(
            parts=[RetryPromptPart("say it differently"), UserPromptPart(["look", "", "again"])],
            instructions="Be brief.",
        ),
    ]
    await request(model_for(recorder), history)
    body = recorder.bodies[0]
    assert body["model"] == "claude-test"
    assert body["max_tokens"] == 4096
    assert body["system"] == "Be brief.\n\nsys one\n\nsys two"
    assert body["stream"] is False  # said either way, as the reference's SDK call does
    assert "tools" not in body
    assert body["messages"] == [
        {"role": "user", "content": [text("hi")]},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "sig-1"},
                text("<thinking>\nunsigned, not replayable\n</thinking>"),  # not signed: sent as text
                {"type": "redacted_thinking", "data": "opaque"},
                text("let me look"),
                tool_use("toolu_1", "lookup", {"q": "x"}),
                tool_use("toolu_2", "other", {}),
            ],
        },
        {
            "role": "user",
            "content": [
                tool_result("toolu_1", '{"error":"boom"}', error=True),
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "bad args" + RETRY, "is_error": True},
                text("Validation feedback:\nsay it differently" + RETRY),
                text("look"),
                text("again"),
            ],
        },
    ]
    sent = recorder.requests[0]
    assert sent.url == "http://llm.test/v1/messages"
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers


async def test_user_content_blocks() -> None:
    recorder = Recorder(ok(text("ok")))
    content = [
        "see",
        ImageUrl("https://e.x/a.png"),
        BinaryContent(b"\x89PNG", media_type="image/png"),
        CachePoint(ttl="1h"),
        BinaryContent(b"%PDF", media_type="application/pdf"),
        DocumentUrl("https://e.x/paper.pdf"),
        BinaryContent(b"plain words", media_type="text/plain"),
    ]
    await request(model_for(recorder), [ModelRequest(parts=[UserPromptPart(content)])])
    assert recorder.bodies[0]["messages"][0]["content"] == [
        text("see"),
        {"type": "image", "source": {"type": "url", "url": "https://e.x/a.png"}},
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw=="},
            "cache_control": {"type": "ephemeral", "ttl": "1h"},
        },
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERg=="}},
        {"type": "document", "source": {"type": "url", "url": "https://e.x/paper.pdf"}},
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain words"}},
    ]


@pytest.mark.parametrize(
    ("item", "match"),
    [
        (AudioUrl("https://e.x/a.mp3"), "cannot take a AudioUrl"),
        (DocumentUrl("https://e.x/a.docx"), "only PDF documents by URL"),
        (BinaryContent(b"RIFF", media_type="audio/wav"), "binary content of type 'audio/wav'"),
        (CachePoint(), "cannot come first"),
    ],
)
async def test_unsupported_user_content_is_a_user_error(item: Any, match: str) -> None:
    recorder = Recorder()
    with pytest.raises(UserError, match=match):
        await request(model_for(recorder), [ModelRequest(parts=[UserPromptPart([item])])])
    assert recorder.requests == []


LOOKUP = ToolDefinition(name="lookup", parameters_json_schema={"type": "object", "properties": {}}, description="Find.")
OUTPUT = ToolDefinition(name="final_result", parameters_json_schema={"type": "object"}, kind="output")


async def test_tools_and_settings() -> None:
    recorder = Recorder(ok(text("ok")))
    settings = {
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 50,
        "stop_sequences": ["END"],
        "seed": 7,  # not an Anthropic setting: ignored
        "parallel_tool_calls": False,
        "extra_body": {"top_k": 3, "metadata": {"user_id": "u1"}},
        "extra_headers": {"x-trace": "1"},
    }
    params = {"function_tools": [LOOKUP], "output_tools": [OUTPUT], "output_mode": "tool", "allow_text_output": False}
    await request(model_for(recorder), [ModelRequest(parts=[UserPromptPart("q")])], settings, **params)
    body = recorder.bodies[0]
    assert body["tools"] == [
        {"name": "lookup", "description": "Find.", "input_schema": {"type": "object", "properties": {}}},
        {"name": "final_result", "description": "", "input_schema": {"type": "object"}},
    ]
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    assert (body["temperature"], body["top_p"], body["max_tokens"], body["stop_sequences"]) == (0.2, 0.9, 50, ["END"])
    assert (body["top_k"], body["metadata"]) == (3, {"user_id": "u1"})
    assert "seed" not in body
    assert recorder.requests[0].headers["x-trace"] == "1"


OTHER = ToolDefinition(name="other", parameters_json_schema={"type": "object", "properties": {}})
THIRD = ToolDefinition(name="third", parameters_json_schema={"type": "object", "properties": {}})


@pytest.mark.parametrize(
    ("settings", "allow_text", "expected", "sent"),
    [
        # The reference's rules (models/_tool_choice.py, AnthropicModel._prepare_tools_and_tool_choice).
        ({}, True, {"type": "auto"}, ["lookup", "other", "third"]),
        ({}, False, {"type": "any"}, ["lookup", "other", "third"]),
        ({"tool_choice": "auto"}, False, {"type": "any"}, ["lookup", "other", "third"]),  # text not allowed
        ({"tool_choice": "required"}, True, {"type": "any"}, ["lookup", "other", "third"]),
        ({"tool_choice": "none", "parallel_tool_calls": False}, True, {"type": "none"}, ["lookup", "other", "third"]),
        ({"tool_choice": ["lookup"]}, True, {"type": "tool", "name": "lookup"}, ["lookup", "other", "third"]),
        ({"tool_choice": ["lookup", "other"]}, True, {"type": "any"}, ["lookup", "other"]),  # only those are sent
        ({"tool_choice": ["third", "lookup", "other"]}, True, {"type": "any"}, ["lookup", "other", "third"]),
        (
            {"parallel_tool_calls": True},
            True,
            {"type": "auto", "disable_parallel_tool_use": False},
            ["lookup", "other", "third"],
        ),
    ],
)
async def test_tool_choice(
    settings: dict[str, Any], allow_text: bool, expected: dict[str, Any], sent: list[str]
) -> None:
    recorder = Recorder(ok(text("ok")))
    tools = [LOOKUP, OTHER, THIRD]
    await request(model_for(recorder), [], settings, function_tools=tools, allow_text_output=allow_text)
    assert recorder.bodies[0]["tool_choice"] == expected
    assert [t["name"] for t in recorder.bodies[0]["tools"]] == sent


async def test_tool_choice_naming_an_unknown_tool_is_a_user_error() -> None:
    recorder = Recorder()
    with pytest.raises(UserError, match=r"Invalid tool names in `tool_choice`: \['x'\]"):
        await request(model_for(recorder), [], {"tool_choice": ["lookup", "x"]}, function_tools=[LOOKUP])
    assert recorder.requests == []


async def test_native_output_is_refused_before_any_request() -> None:
    class City(BaseModel):
        name: str

    recorder = Recorder()
    with pytest.raises(UserError, match="NativeOutput"):
        await Agent(model_for(recorder), output_type=NativeOutput(City)).run("q")
    assert recorder.requests == []


async def test_response_parsing() -> None:
    blocks = [
        {"type": "thinking", "thinking": "pondering", "signature": "sig"},
        {"type": "redacted_thinking", "data": "opaque"},
        text("answer"),
        text(""),
        tool_use("toolu_1", "f", {"a": 1}),
        {"type": "server_tool_use", "id": "srv_1", "name": "web_search", "input": {}},
    ]
    usage = {"input_tokens": 100, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 60, "output_tokens": 20}
    response = await request(model_for(Recorder(ok(*blocks, stop="tool_use", usage=usage))), [])
    assert response.parts == [
        ThinkingPart("pondering", signature="sig", provider_name="anthropic"),
        ThinkingPart("", id="redacted_thinking", signature="opaque", provider_name="anthropic"),
        TextPart("answer"),
        ToolCallPart("f", {"a": 1}, "toolu_1"),
    ]
    u = response.usage
    assert (u.input_tokens, u.cache_write_tokens, u.cache_read_tokens, u.output_tokens) == (190, 30, 60, 20)
    assert (response.finish_reason, response.provider_response_id, response.model_name) == (
        "tool_call",
        "msg_1",
        "claude-test",
    )
    assert (response.provider_name, response.provider_url, response.provider_details) == (
        "anthropic",
        "http://llm.test",
        None,
    )


STOPS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_call"}
STOPS["refusal"] = "content_filter"


@pytest.mark.parametrize(
    ("stop", "finish", "details"),
    [*((s, f, None) for s, f in STOPS.items()), ("novel", None, {"finish_reason": "novel"}), (None, None, None)],
)
async def test_stop_reasons(stop: str | None, finish: str | None, details: Any) -> None:
    response = await request(model_for(Recorder(ok(text("x"), stop=stop))), [])
    assert (response.finish_reason, response.provider_details) == (finish, details)


def refuse(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError(f"refused ({KEY})")


@pytest.mark.parametrize(
    ("reply", "error", "match"),
    [
        (httpx2.Response(200, text="<html>oops</html>"), UnexpectedModelBehavior, "not JSON"),
        (httpx2.Response(200, json={"id": "msg_1"}), UnexpectedModelBehavior, "without the expected fields"),
        (httpx2.Response(200, json={"content": [{"text": "no type"}]}), UnexpectedModelBehavior, "expected fields"),
        (httpx2.Response(400, json={"error": {"message": f"bad {KEY}"}}), ModelHTTPError, "status_code: 400"),
        (refuse, ModelAPIError, "Could not complete the request .* after 1 attempt"),
    ],
)
async def test_bad_responses_are_clear_errors(reply: Any, error: type[Exception], match: str) -> None:
    recorder = Recorder(reply)
    with pytest.raises(error, match=match) as info:
        await request(model_for(recorder, retry_policy=RetryPolicy(max_attempts=1)), [])
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)
    if isinstance(info.value, ModelHTTPError):
        assert info.value.status_code == 400
        assert info.value.body == {"error": {"message": "bad ***"}}


def sse(*events: tuple[str, dict[str, Any] | str]) -> bytes:
    out = [f"event: {name}\ndata: {json.dumps(d) if isinstance(d, dict) else d}\n\n" for name, d in events]
    return "".join(out).encode()


def start(usage: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    msg = {**message(), "id": "msg_s", "model": "claude-stream", "stop_reason": None}
    msg["usage"] = usage or {"input_tokens": 9, "output_tokens": 1}
    return "message_start", {"type": "message_start", "message": msg}


def block_start(index: int, block: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "content_block_start", {"type": "content_block_start", "index": index, "content_block": block}


def delta(index: int, **fields: Any) -> tuple[str, dict[str, Any]]:
    return "content_block_delta", {"type": "content_block_delta", "index": index, "delta": fields}


def block_stop(index: int) -> tuple[str, dict[str, Any]]:
    return "content_block_stop", {"type": "content_block_stop", "index": index}


def finish(stop: str, output_tokens: int) -> list[tuple[str, dict[str, Any]]]:
    delta_event = {"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {"output_tokens": output_tokens}}
    return [("message_delta", delta_event), ("message_stop", {"type": "message_stop"})]


def streamed(body: bytes) -> httpx2.Response:
    return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})


async def test_streaming_text_thinking_and_tool_calls() -> None:
    body = sse(
        start({"input_tokens": 9, "cache_read_input_tokens": 4, "output_tokens": 1}),
        ("ping", {"type": "ping"}),
        block_start(0, {"type": "thinking", "thinking": ""}),
        delta(0, type="thinking_delta", thinking="let me "),
        delta(0, type="thinking_delta", thinking="think"),
        delta(0, type="signature_delta", signature="sig-9"),
        block_stop(0),
        block_start(1, {"type": "text", "text": ""}),
        delta(1, type="text_delta", text="Hel"),
        delta(1, type="text_delta", text="lo"),
        block_stop(1),
        block_start(2, tool_use("toolu_1", "f", {})),
        delta(2, type="input_json_delta", partial_json=""),
        delta(2, type="input_json_delta", partial_json='{"a":'),
        delta(2, type="input_json_delta", partial_json=" 1}"),
        block_stop(2),
        block_start(3, tool_use("toolu_2", "g", {})),
        block_stop(3),
        *finish("tool_use", 42),
    )
    recorder = Recorder(streamed(body))
    async with model_for(recorder).request_stream([], None, ModelRequestParameters()) as stream:
        events = [e async for e in stream]
        response = stream.get()
    assert recorder.bodies[0]["stream"] is True
    assert "system" not in recorder.bodies[0]
    assert response.parts == [
        ThinkingPart("let me think", signature="sig-9", provider_name="anthropic"),
        TextPart("Hello"),
        ToolCallPart("f", '{"a": 1}', "toolu_1"),
        ToolCallPart("g", None, "toolu_2"),
    ]
    assert response.parts[3].args_as_dict() == {}  # type: ignore[union-attr]
    u = response.usage
    assert (u.input_tokens, u.cache_read_tokens, u.output_tokens) == (13, 4, 42)
    assert (response.finish_reason, response.provider_response_id) == ("tool_call", "msg_s")
    assert response.model_name == "claude-stream"
    assert response.state == "complete"
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("PartStartEvent") == 4
    assert kinds.count("PartEndEvent") == 4
    assert "FinalResultEvent" in kinds


async def test_streaming_unknown_stop_reason_and_redacted_thinking() -> None:
    body = sse(start(), block_start(0, {"type": "redacted_thinking", "data": "opaque"}), *finish("odd_reason", 3))
    async with model_for(Recorder(streamed(body))).request_stream([], None, ModelRequestParameters()) as stream:
        [_ async for _ in stream]
        response = stream.get()
    assert response.parts == [ThinkingPart("", id="redacted_thinking", signature="opaque", provider_name="anthropic")]
    assert (response.finish_reason, response.provider_details) == (None, {"finish_reason": "odd_reason"})


OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": f"busy {KEY}"}}


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        (sse(start(), block_start(0, text("")), delta(0, type="text_delta", text="par")), ModelAPIError, "ended"),
        (b"event: content_block_delta\ndata: {not json}\n\n", UnexpectedModelBehavior, "not JSON"),
        (sse(start(), ("error", OVERLOADED)), ModelAPIError, "reported an error mid-stream: .*overloaded_error"),
        (sse(("error", f"raw failure {KEY}")), ModelAPIError, "reported an error mid-stream: raw failure"),
        (sse(start(), ("content_block_start", {"index": 0})), UnexpectedModelBehavior, "without the expected"),
    ],
)
async def test_bad_streams_are_clear_errors(body: bytes, error: type[Exception], match: str) -> None:
    recorder = Recorder(streamed(body))
    with pytest.raises(error, match=match) as info:
        async with model_for(recorder).request_stream([], None, ModelRequestParameters()) as stream:
            async for _ in stream:
                pass
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)


async def test_stream_http_error_goes_through_the_shared_layer() -> None:
    recorder = Recorder(httpx2.Response(400, json={"type": "error", "error": {"message": "max_tokens too big"}}))
    with pytest.raises(ModelHTTPError) as info:
        async with model_for(recorder).request_stream([], None, ModelRequestParameters()):
            pass
    assert info.value.status_code == 400
    assert info.value.body == {"type": "error", "error": {"message": "max_tokens too big"}}


def weather_agent(model: AnthropicModel) -> Agent[None, str]:
    agent = Agent(model, instructions="Use tools.")

    @agent.tool_plain
    def weather(city: str) -> str:
        return f"sunny in {city}"

    return agent


async def test_agent_run_with_a_tool() -> None:
    recorder = Recorder(
        ok(tool_use("toolu_1", "weather", {"city": "Paris"}), stop="tool_use"),
        ok(text("It is sunny."), usage={"input_tokens": 20, "output_tokens": 4}),
    )
    result = await weather_agent(model_for(recorder)).run("Weather in Paris?")
    assert result.output == "It is sunny."
    first, second = recorder.bodies
    assert first["system"] == "Use tools."
    assert first["tools"][0]["name"] == "weather"
    assert first["tools"][0]["input_schema"]["properties"] == {"city": {"type": "string"}}
    assert first["tool_choice"] == {"type": "auto"}
    assert second["messages"][1:] == [
        {"role": "assistant", "content": [tool_use("toolu_1", "weather", {"city": "Paris"})]},
        {"role": "user", "content": [tool_result("toolu_1", "sunny in Paris")]},
    ]
    assert (result.usage().requests, result.usage().input_tokens, result.usage().output_tokens) == (2, 30, 9)


async def test_agent_run_stream_events_with_a_tool() -> None:
    first = sse(
        start(),
        block_start(0, tool_use("toolu_1", "weather", {})),
        delta(0, type="input_json_delta", partial_json='{"city": '),
        delta(0, type="input_json_delta", partial_json='"Oslo"}'),
        block_stop(0),
        *finish("tool_use", 7),
    )
    second = sse(
        start(),
        block_start(0, text("")),
        delta(0, type="text_delta", text="Sunny "),
        delta(0, type="text_delta", text="in Oslo."),
        block_stop(0),
        *finish("end_turn", 5),
    )
    recorder = Recorder(streamed(first), streamed(second))
    async with weather_agent(model_for(recorder)).run_stream_events("Weather in Oslo?") as stream:
        events = [event async for event in stream]
    kinds = [type(e).__name__ for e in events]
    assert "FunctionToolCallEvent" in kinds
    assert "FunctionToolResultEvent" in kinds
    assert kinds[-1] == "AgentRunResultEvent"
    assert events[-1].result.output == "Sunny in Oslo."  # type: ignore[attr-defined]
    assert all(body["stream"] is True for body in recorder.bodies)
    tool_result = recorder.bodies[1]["messages"][-1]["content"][0]
    assert tool_result["content"] == [text("sunny in Oslo")]


def test_infer_model_builds_an_anthropic_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(UserError, match="ANTHROPIC_API_KEY"):
        Agent("anthropic:claude-test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    model = Agent("anthropic:claude-test").model
    assert isinstance(model, AnthropicModel)
    assert (model.model_name, model.system, model.model_id) == ("claude-test", "anthropic", "anthropic:claude-test")
    assert KEY not in repr(model)
    assert KEY not in repr(model.provider)
