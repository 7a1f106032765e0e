"""The OpenAI chat-completions adapter against ``httpx2.MockTransport``: request bodies, response parsing,
streaming, errors and retries, and the secrecy of the API key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
import trio
from pydantic import BaseModel

from trio_agent import Agent, ModelAPIError, ModelHTTPError, NativeOutput, UnexpectedModelBehavior, UserError
from trio_agent.messages import (
    BinaryContent,
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
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers import RetryPolicy
from trio_agent.providers.openai import OpenAIProvider
from trio_agent.tools import ToolDefinition

KEY = "sk-test-very-secret-key"


def completion(message: dict[str, Any], finish: str = "stop", usage: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
        "usage": usage or {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


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


def model_for(recorder: Recorder, **provider: Any) -> OpenAIChatModel:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    return OpenAIChatModel(
        "gpt-test", provider=OpenAIProvider(base_url="http://llm.test/v1", api_key=KEY, http_client=client, **provider)
    )


async def request(model: OpenAIChatModel, messages: list[Any], **params: Any) -> ModelResponse:
    return await model.request(messages, None, ModelRequestParameters(**params))


async def test_message_kinds_map_to_chat_messages() -> None:
    recorder = Recorder(httpx2.Response(200, json=completion({"content": "ok"})))
    history = [
        ModelRequest(
            parts=[SystemPromptPart("sys"), UserPromptPart("hi")],
            instructions="Be brief.",
        ),
        ModelResponse(parts=[TextPart("let me look"), ToolCallPart("lookup", {"q": "x"}, "call_1")]),
        ModelRequest(
            parts=[
                ToolReturnPart("lookup", {"found": True}, "call_1"),
                RetryPromptPart("bad args", tool_name="lookup", tool_call_id="call_2"),
                RetryPromptPart("say it differently"),
                UserPromptPart(["look", ImageUrl("https://e.x/a.png", vendor_metadata={"detail": "low"})]),
            ],
            instructions="Be brief.",
        ),
    ]
    await request(model_for(recorder), history)
    body = recorder.bodies[0]
    assert body["model"] == "gpt-test"
    assert body["messages"] == [
        {"role": "system", "content": "sys"},
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": "let me look",
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": '{"q":"x"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"found":true}'},
        {"role": "tool", "tool_call_id": "call_2", "content": "bad args\n\nFix the errors and try again."},
        {"role": "user", "content": "Validation feedback:\nsay it differently\n\nFix the errors and try again."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "https://e.x/a.png", "detail": "low"}},
            ],
        },
    ]
    assert recorder.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert recorder.requests[0].url == "http://llm.test/v1/chat/completions"


async def test_binary_content_and_unsupported_urls() -> None:
    recorder = Recorder(httpx2.Response(200, json=completion({"content": "ok"})))
    png = BinaryContent(b"\x89PNG", media_type="image/png")
    wav = BinaryContent(b"RIFF", media_type="audio/wav")
    pdf = BinaryContent(b"%PDF", media_type="application/pdf")
    await request(model_for(recorder), [ModelRequest(parts=[UserPromptPart([png, wav, pdf])])])
    content = recorder.bodies[0]["messages"][0]["content"]
    assert content[0] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw=="}}
    assert content[1] == {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
    assert content[2]["type"] == "file"
    assert content[2]["file"]["file_data"] == "data:application/pdf;base64,JVBERg=="
    from trio_agent.messages import DocumentUrl

    with pytest.raises(UserError, match="cannot take a DocumentUrl"):
        await request(model_for(Recorder()), [ModelRequest(parts=[UserPromptPart([DocumentUrl("https://e.x/a.pdf")])])])


async def test_tools_tool_choice_settings_and_native_output() -> None:
    recorder = Recorder(*[httpx2.Response(200, json=completion({"content": "{}"})) for _ in range(3)])
    model = model_for(recorder)
    tool = ToolDefinition(
        name="lookup", parameters_json_schema={"type": "object", "properties": {}}, description="Find."
    )
    output = ToolDefinition(name="final_result", parameters_json_schema={"type": "object"}, kind="output", strict=True)
    messages = [ModelRequest(parts=[UserPromptPart("q")])]
    settings = {
        "temperature": 0.2,
        "max_tokens": 50,
        "stop_sequences": ["END"],
        "seed": 7,
        "parallel_tool_calls": False,
        "extra_body": {"top_k": 3},
        "extra_headers": {"x-trace": "1"},
    }
    params = ModelRequestParameters(
        function_tools=[tool], output_tools=[output], output_mode="tool", allow_text_output=False
    )
    await model.request(messages, settings, params)  # type: ignore[arg-type]
    body = recorder.bodies[0]
    closed = {"type": "object", "properties": {}, "additionalProperties": False}  # schemas walked for strict mode
    assert body["tools"] == [
        {"type": "function", "function": {"name": "lookup", "description": "Find.", "parameters": closed}},
        {
            "type": "function",
            "function": {
                "name": "final_result",
                "description": "",
                "parameters": {**closed, "required": []},
                "strict": True,
            },
        },
    ]
    assert body["tool_choice"] == "required"
    assert (body["temperature"], body["max_completion_tokens"], body["stop"], body["seed"]) == (0.2, 50, ["END"], 7)
    assert body["parallel_tool_calls"] is False
    assert body["top_k"] == 3
    assert recorder.requests[0].headers["x-trace"] == "1"

    other = ToolDefinition(name="other", parameters_json_schema={"type": "object", "properties": {}})
    await model.request(messages, {"tool_choice": ["lookup"]}, ModelRequestParameters(function_tools=[tool, other]))
    assert recorder.bodies[1]["tool_choice"] == {"type": "function", "function": {"name": "lookup"}}

    class City(BaseModel):
        name: str

    agent = Agent(model, output_type=NativeOutput(City, strict=True))
    recorder.replies.append(httpx2.Response(200, json=completion({"content": '{"name": "Paris"}'})))
    assert (await agent.run("q")).output == City(name="Paris")
    assert recorder.bodies[-1]["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "City",
            "schema": {
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
                "type": "object",
                "additionalProperties": False,  # made strict-compatible, as the reference does
            },
            "strict": True,
        },
    }


async def test_response_parsing() -> None:
    message = {
        "content": "answer",
        "reasoning_content": "thinking...",
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}],
    }
    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 20,
        "prompt_tokens_details": {"cached_tokens": 60},
        "completion_tokens_details": {"reasoning_tokens": 12},
    }
    response = await request(
        model_for(Recorder(httpx2.Response(200, json=completion(message, "tool_calls", usage)))), []
    )
    assert response.parts == [
        ThinkingPart("thinking...", id="reasoning_content", provider_name="openai"),
        TextPart("answer"),
        ToolCallPart("f", '{"a": 1}', "c1"),
    ]
    assert (response.usage.input_tokens, response.usage.output_tokens, response.usage.cache_read_tokens) == (
        100,
        20,
        60,
    )
    assert response.usage.details == {"reasoning_tokens": 12}
    assert (response.finish_reason, response.provider_response_id, response.provider_name) == (
        "tool_call",
        "chatcmpl-1",
        "openai",
    )
    assert response.model_name == "gpt-test"
    assert response.timestamp.timestamp() == 1700000000

    odd = await request(model_for(Recorder(httpx2.Response(200, json=completion({"content": "x"}, "eos_custom")))), [])
    assert odd.finish_reason is None
    assert odd.provider_details == {"finish_reason": "eos_custom"}


@pytest.mark.parametrize(
    ("reply", "error", "match"),
    [
        (httpx2.Response(200, text="<html>oops</html>"), UnexpectedModelBehavior, "not JSON"),
        (httpx2.Response(200, json={"choices": []}), UnexpectedModelBehavior, "without the expected fields"),
        (httpx2.Response(400, json={"error": {"message": "bad request"}}), ModelHTTPError, "status_code: 400"),
    ],
)
async def test_bad_responses_are_clear_errors(reply: httpx2.Response, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match) as info:
        await request(model_for(Recorder(reply)), [])
    assert KEY not in str(info.value)
    if isinstance(info.value, ModelHTTPError):
        assert info.value.status_code == 400
        assert info.value.body == {"error": {"message": "bad request"}}


async def test_retries_on_429_and_5xx_then_succeeds(autojump_clock: trio.abc.Clock) -> None:
    recorder = Recorder(
        httpx2.Response(429, headers={"retry-after": "7"}, text="slow down"),
        httpx2.Response(503, text="busy"),
        httpx2.Response(200, json=completion({"content": "finally"})),
    )
    start = trio.current_time()
    response = await request(
        model_for(recorder, retry_policy=RetryPolicy(max_attempts=3, initial_delay=1, jitter=0)), []
    )
    assert response.parts == [TextPart("finally")]
    assert trio.current_time() - start == pytest.approx(7 + 2)  # Retry-After, then the second backoff step


async def test_retries_are_bounded_and_errors_keep_the_key_secret(autojump_clock: trio.abc.Clock) -> None:
    recorder = Recorder(*[httpx2.Response(500, text=f"echo {KEY}") for _ in range(2)])
    with pytest.raises(ModelHTTPError) as info:
        await request(model_for(recorder, retry_policy=RetryPolicy(max_attempts=2)), [])
    assert len(recorder.requests) == 2
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value.body)

    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused ({KEY})")

    with pytest.raises(ModelAPIError, match="after 2 attempt") as info2:
        await request(model_for(Recorder(refuse, refuse), retry_policy=RetryPolicy(max_attempts=2)), [])
    assert KEY not in str(info2.value)
    provider = OpenAIProvider(base_url="http://llm.test/v1", api_key=KEY)
    assert KEY not in repr(provider)
    assert KEY not in repr(OpenAIChatModel("m", provider=provider))


def sse(*chunks: dict[str, Any] | str) -> bytes:
    lines = [f"data: {json.dumps(c) if isinstance(c, dict) else c}\n\n" for c in chunks]
    return "".join(lines).encode()


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-s",
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }


async def test_streaming_text_and_tool_calls() -> None:
    body = sse(
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Hel"}),
        chunk({"content": "lo"}),
        chunk({"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f", "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"a":'}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": " 1}"}}]}),
        chunk({}, "tool_calls"),
        {"id": "chatcmpl-s", "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4}},
        "[DONE]",
    )
    recorder = Recorder(httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"}))
    model = model_for(recorder)
    async with model.request_stream([], None, ModelRequestParameters()) as stream:
        events = [e async for e in stream]
        response = stream.get()
    assert recorder.bodies[0]["stream"] is True
    assert recorder.bodies[0]["stream_options"] == {"include_usage": True}
    assert response.parts == [TextPart("Hello"), ToolCallPart("f", '{"a": 1}', "c1")]
    assert (response.finish_reason, response.usage.input_tokens, response.usage.output_tokens) == ("tool_call", 9, 4)
    assert response.state == "complete"
    assert [type(e).__name__ for e in events][:2] == ["PartStartEvent", "FinalResultEvent"]


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        (sse(chunk({"content": "par"})), ModelAPIError, "ended before the response was complete"),
        (b"data: {not json}\n\n", UnexpectedModelBehavior, "not JSON"),
        (sse({"error": {"message": f"overloaded {KEY}"}}), ModelAPIError, "reported an error mid-stream"),
    ],
)
async def test_bad_streams_are_clear_errors(body: bytes, error: type[Exception], match: str) -> None:
    recorder = Recorder(httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"}))
    with pytest.raises(error, match=match) as info:
        async with model_for(recorder).request_stream([], None, ModelRequestParameters()) as stream:
            async for _ in stream:
                pass
    assert KEY not in str(info.value)


async def test_invalid_tool_arguments_from_the_model_become_a_retry_prompt() -> None:
    recorder = Recorder(
        httpx2.Response(
            200,
            json=completion(
                {"tool_calls": [{"id": "c1", "type": "function", "function": {"name": "add", "arguments": "{broken"}}]},
                "tool_calls",
            ),
        ),
        httpx2.Response(200, json=completion({"content": "sorry"})),
    )
    agent = Agent(model_for(recorder))
    agent.tool_plain(lambda a, b: a + b, name="add")
    result = await agent.run("add")
    assert result.output == "sorry"
    retry = result.all_messages()[2].parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert retry.content[0]["type"] == "json_invalid"  # type: ignore[index]
    assert recorder.bodies[1]["messages"][-1]["role"] == "tool"


def test_missing_key_for_openai_itself_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        OpenAIProvider()
    assert OpenAIProvider(base_url="http://localhost:11434/v1").base_url == "http://localhost:11434/v1"
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert Agent("openai:gpt-4o").model.model_name == "gpt-4o"  # type: ignore[union-attr]
    ollama = Agent("ollama:llama3.2").model
    assert isinstance(ollama, OpenAIChatModel)
    assert ollama.provider.base_url == "http://localhost:11434/v1"
    assert ollama.model_id == "ollama:llama3.2"  # the service, not the protocol
    assert Agent("openai:gpt-4o").model.model_id == "openai:gpt-4o"  # type: ignore[union-attr]
