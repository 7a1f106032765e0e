"""The Vercel AI SDK's UI message stream (AI SDK 5, and 6's tool approval): exact chunk sequences, the HTTP endpoint,
errors, history."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
import trio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from conftest import WEATHER_CHUNKS, streamed_model, weather_agent
from trio_agent import Agent, DeferredToolRequests, DeferredToolResults, ToolDenied
from trio_agent.messages import (
    BinaryImage,
    ImageUrl,
    ModelMessage,
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
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel
from trio_agent.ui import UIAdapter, UIEventStream
from trio_agent.ui.vercel_ai import VercelAIAdapter, VercelAIApp, VercelAIEventStream
from trio_agent.ui.vercel_ai.request_types import RegenerateMessage, SubmitMessage, UIMessage
from trio_agent.ui.vercel_ai.response_types import BaseChunk, DataChunk, DoneChunk, TextDeltaChunk

# -- helpers -------------------------------------------------------------------------------------------------


def body(*messages: dict[str, Any], trigger: str = "submit-message") -> bytes:
    return json.dumps({"trigger": trigger, "id": "chat-1", "messages": list(messages)}).encode()


def user(text: str, id: str = "u1") -> dict[str, Any]:
    return {"id": id, "role": "user", "parts": [{"type": "text", "text": text}]}


def normalized(chunks: list[dict[str, Any] | str]) -> list[dict[str, Any] | str]:
    """The chunks with each text/reasoning part id replaced by ``id1``, ``id2``... in order of appearance."""
    names: dict[str, str] = {}
    return [
        {**c, "id": names.setdefault(c["id"], f"id{len(names) + 1}")} if isinstance(c, dict) and "id" in c else c
        for c in chunks
    ]


def decoded(sse_text: str) -> list[dict[str, Any] | str]:
    """The ``data:`` payloads of an SSE body: JSON chunks, and the final ``[DONE]``."""
    payloads = [block.removeprefix("data: ") for block in sse_text.split("\n\n") if block]
    return [p if p == "[DONE]" else json.loads(p) for p in payloads]


async def run_chunks(adapter: VercelAIAdapter[Any, Any], **kwargs: Any) -> list[dict[str, Any] | str]:
    async with adapter.run_stream(**kwargs) as events:
        text = "".join([chunk async for chunk in adapter.encode_stream(events)])
    return decoded(text)


def app_for(agent: Agent[Any, Any], **kwargs: Any) -> Starlette:
    async def chat(request: Request) -> Response:
        return await VercelAIAdapter.dispatch_request(request, agent=agent, **kwargs)

    return Starlette(routes=[Route("/api/chat", chat, methods=["POST"])])


async def post(app: Any, path: str, content: bytes) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post(path, content=content, headers={"content-type": "application/json"})


# -- the stream ------------------------------------------------------------------------------------------------


async def test_a_run_with_thinking_a_tool_call_and_text_is_one_message_of_two_steps() -> None:
    adapter = VercelAIAdapter(weather_agent(), VercelAIAdapter.build_run_input(body(user("Weather in Oslo?"))))
    chunks = await run_chunks(adapter)
    assert normalized(chunks) == WEATHER_CHUNKS


async def test_the_endpoint_answers_with_the_sse_stream_and_its_header() -> None:
    seen: list[list[ModelMessage]] = []
    response = await post(app_for(weather_agent(seen=seen)), "/api/chat", body(user("Weather in Oslo?")))

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert response.headers["cache-control"] == "no-cache"
    events = [event.data for event in httpx2.EventSource(response)]
    assert events[-1] == "[DONE]"
    assert normalized([*(json.loads(e) for e in events[:-1]), "[DONE]"]) == WEATHER_CHUNKS
    assert [[type(p).__name__ for p in m.parts] for m in seen[0]] == [["UserPromptPart"]]
    assert seen[0][0].parts[0].content == "Weather in Oslo?"  # type: ignore[union-attr]


async def test_the_asgi_app_mounts_answers_post_and_refuses_other_methods() -> None:
    app = Starlette(routes=[Mount("/api/chat", VercelAIApp(weather_agent()))])
    response = await post(app, "/api/chat/", body(user("Weather in Oslo?")))
    assert response.status_code == 200
    assert normalized(decoded(response.text)) == WEATHER_CHUNKS

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test") as client:
        refused = await client.get("/api/chat/")
    assert (refused.status_code, refused.headers["allow"]) == (405, "POST")


async def test_a_regenerate_request_runs_on_the_messages_before_the_regenerated_one() -> None:
    seen: list[list[ModelMessage]] = []
    content = json.dumps(
        {"trigger": "regenerate-message", "id": "chat-1", "messageId": "a1", "messages": [user("Hello")]}
    ).encode()
    adapter = VercelAIAdapter(Agent(streamed_model(["Hi again."], seen=seen)), VercelAIAdapter.build_run_input(content))
    assert isinstance(adapter.run_input, RegenerateMessage)
    assert adapter.run_input.message_id == "a1"
    chunks = await run_chunks(adapter)
    assert [[p.part_kind for p in m.parts] for m in seen[0]] == [["user-prompt"]]
    assert {"type": "text-delta", "id": chunks[2]["id"], "delta": "Hi again."} in chunks  # type: ignore[index]


async def test_sdk_6_clients_get_the_finish_reason() -> None:
    agent = Agent(streamed_model(["Hi"]))
    adapter = VercelAIAdapter(agent, VercelAIAdapter.build_run_input(body(user("Hello"))), sdk_version=6)
    chunks = await run_chunks(adapter)
    assert chunks[-2] == {"type": "finish", "finishReason": "stop"}
    v5 = await run_chunks(VercelAIAdapter(Agent(streamed_model(["Hi"])), adapter.run_input))
    assert v5[-2] == {"type": "finish"}  # AI SDK 5's strict schema has no finishReason


async def test_transform_stream_turns_the_events_of_a_run_you_drive() -> None:
    run_input = VercelAIAdapter.build_run_input(body(user("Weather in Oslo?")))
    agent = weather_agent()
    async with agent.run_stream_events("Weather in Oslo?") as events:
        chunks = [c.encode() async for c in VercelAIEventStream(run_input).transform_stream(events)]
    assert normalized([*(json.loads(c) for c in chunks[:-1]), chunks[-1]]) == WEATHER_CHUNKS


async def test_a_response_to_content_enqueued_mid_run_is_a_step_of_its_own() -> None:
    runs: list[Any] = []
    requests: list[list[ModelMessage]] = []

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        if not requests:
            runs[0].enqueue("And one more thing.")  # steered while the model answers the prompt
        requests.append(messages)
        yield f"Answer {len(requests)}"

    send, receive = trio.open_memory_channel[Any](100)
    async with Agent(FunctionModel(stream_function=stream)).iter("Hi", event_channel=send) as run:
        runs.append(run)
        async for _ in run:
            pass
    run_input = VercelAIAdapter.build_run_input(body(user("Hi")))
    async with receive:
        chunks = [chunk.encode() async for chunk in VercelAIEventStream(run_input).transform_stream(receive)]
    types = [json.loads(c)["type"] if c != "[DONE]" else c for c in chunks]
    assert len(requests) == 2
    assert types == [
        "start",
        "start-step",
        "text-start",
        "text-delta",
        "text-end",
        "finish-step",
        "start-step",  # the answer to the enqueued message: a step of its own
        "text-start",
        "text-delta",
        "text-end",
        "finish-step",
        "finish",
        "[DONE]",
    ]


async def test_on_complete_gets_the_result_and_may_send_more_chunks() -> None:
    results: list[Any] = []

    async def on_complete(result: Any) -> AsyncIterator[BaseChunk]:
        results.append(result.output)
        yield DataChunk(type="data-x", data={"words": len(result.output.split())})

    adapter = VercelAIAdapter(
        Agent(streamed_model(["Hello ", "there"])), VercelAIAdapter.build_run_input(body(user("Hi")))
    )
    chunks = await run_chunks(adapter, on_complete=on_complete)
    assert results == ["Hello there"]
    assert [c if isinstance(c, str) else c["type"] for c in chunks] == [
        "start",
        "start-step",
        "text-start",
        "text-delta",
        "text-delta",
        "text-end",
        "data-x",
        "finish-step",
        "finish",
        "[DONE]",
    ]
    assert chunks[6] == {"type": "data-x", "data": {"words": 2}}


# -- errors ----------------------------------------------------------------------------------------------------


async def test_a_failing_tool_closes_its_call_then_sends_the_error_and_finishes() -> None:
    agent = Agent(streamed_model([{0: DeltaToolCall(name="explode", json_args="{}", tool_call_id="call_9")}]))

    @agent.tool_plain
    def explode() -> str:
        raise RuntimeError("the tool blew up")

    response = await post(app_for(agent), "/api/chat", body(user("Go")))
    assert response.status_code == 200
    assert decoded(response.text) == [
        {"type": "start"},
        {"type": "start-step"},
        {"type": "tool-input-start", "toolCallId": "call_9", "toolName": "explode"},
        {"type": "tool-input-delta", "toolCallId": "call_9", "inputTextDelta": "{}"},
        {"type": "tool-input-available", "toolCallId": "call_9", "toolName": "explode", "input": {}},
        {
            "type": "tool-output-error",
            "toolCallId": "call_9",
            "errorText": "Tool execution was interrupted by an error.",
        },
        {"type": "error", "errorText": "the tool blew up"},
        {"type": "finish-step"},
        {"type": "finish"},
        "[DONE]",
    ]


async def test_a_model_failing_mid_text_closes_the_text_then_sends_the_error() -> None:
    agent = Agent(streamed_model(["Once upon", RuntimeError("connection lost")]))
    adapter = VercelAIAdapter(agent, VercelAIAdapter.build_run_input(body(user("A story?"))))
    stream = adapter.build_event_stream()
    async with agent.run_stream_events("A story?") as events:
        chunks = [json.loads(c.encode()) async for c in stream.transform_stream(events) if not isinstance(c, DoneChunk)]
    assert normalized(chunks) == [
        {"type": "start"},
        {"type": "start-step"},
        {"type": "text-start", "id": "id1"},
        {"type": "text-delta", "id": "id1", "delta": "Once upon"},
        {"type": "text-end", "id": "id1"},
        {"type": "error", "errorText": "connection lost"},
        {"type": "finish-step"},
        {"type": "finish"},
    ]
    assert isinstance(stream.error, RuntimeError)
    assert stream.result is None


@pytest.mark.parametrize(
    ("content", "detail", "error_types"),
    [
        (b"{not json", "The request body is not a valid Vercel AI run input.", ["json_invalid"]),
        (
            b'{"trigger": "submit-message", "id": "c"}',
            "The request body is not a valid Vercel AI run input.",
            ["missing"],
        ),
        (
            json.dumps({"id": "c", "messages": [{"id": "m", "role": "robot", "parts": []}]}).encode(),
            "The request body is not a valid Vercel AI run input.",
            ["literal_error"],
        ),
    ],
)
async def test_an_invalid_body_is_answered_with_422_and_no_run(
    content: bytes, detail: str, error_types: list[str]
) -> None:
    seen: list[list[ModelMessage]] = []
    response = await post(app_for(weather_agent(seen=seen)), "/api/chat", content)
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert [e["type"] for e in response.json()["errors"]] == error_types
    assert seen == []


async def test_messages_that_cannot_be_loaded_are_answered_with_400() -> None:
    system_with_file = {
        "id": "s",
        "role": "system",
        "parts": [{"type": "file", "mediaType": "image/png", "url": "https://example.com/a.png"}],
    }
    response = await post(app_for(weather_agent()), "/api/chat", body(system_with_file, user("Hi")))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request's messages cannot be loaded: A system message can have only text parts, not 'file'"
    }


async def test_a_client_that_disconnects_cancels_the_run() -> None:
    cancelled = trio.Event()

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "Hel"
        try:
            await trio.sleep_forever()
        finally:
            cancelled.set()

    agent = Agent(FunctionModel(stream_function=stream))
    adapter = VercelAIAdapter(agent, VercelAIAdapter.build_run_input(body(user("Hi"))))
    response = adapter.streaming_response(adapter.run_stream())
    sent: list[bytes] = []
    delta_sent = trio.Event()

    async def send(message: Any) -> None:
        sent.append(message.get("body", b""))
        if b"text-delta" in sent[-1]:
            delta_sent.set()

    async def receive() -> dict[str, Any]:
        await delta_sent.wait()
        return {"type": "http.disconnect"}

    with trio.fail_after(5):
        await response({"type": "http", "asgi": {"spec_version": "2.3"}}, receive, send)
    assert cancelled.is_set()
    assert b'"delta":"Hel"' in b"".join(sent)
    assert b"[DONE]" not in b"".join(sent)


async def test_leaving_the_block_early_cancels_the_run_and_abandons_no_generator() -> None:
    cancelled = trio.Event()

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "Hel"
        try:
            await trio.sleep_forever()
        finally:
            cancelled.set()

    adapter = VercelAIAdapter(
        Agent(FunctionModel(stream_function=stream)), VercelAIAdapter.build_run_input(body(user("Hi")))
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with adapter.run_stream() as events:
            async for chunk in events:
                if isinstance(chunk, TextDeltaChunk):
                    break
        gc.collect()
        await trio.lowlevel.checkpoint()
    assert cancelled.is_set()
    assert [str(w.message) for w in caught if "garbage collected" in str(w.message)] == []


# -- history ----------------------------------------------------------------------------------------------------

PNG = BinaryImage(b"\x89PNG", media_type="image/png")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def without_timestamps(messages: list[ModelMessage]) -> list[ModelMessage]:
    """``messages`` with every timestamp set to ``EPOCH`` (loading stamps them with the time of loading)."""
    for message in messages:
        message.timestamp = EPOCH
        for part in message.parts:
            if hasattr(part, "timestamp"):
                part.timestamp = EPOCH
    return messages


def test_ui_messages_load_as_our_history() -> None:
    messages = [
        UIMessage.model_validate({"id": "s", "role": "system", "parts": [{"type": "text", "text": "Be brief."}]}),
        UIMessage.model_validate(
            {
                "id": "u",
                "role": "user",
                "parts": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "file", "mediaType": "image/png", "url": PNG.data_uri},
                    {"type": "file", "mediaType": "image/jpeg", "url": "https://example.com/cat.jpg"},
                ],
            }
        ),
        UIMessage.model_validate(
            {
                "id": "a",
                "role": "assistant",
                "parts": [
                    {"type": "step-start"},
                    {"type": "reasoning", "text": "Look it up.", "state": "done"},
                    {
                        "type": "tool-lookup",
                        "toolCallId": "c1",
                        "state": "output-available",
                        "input": {"q": "cat"},
                        "output": {"hits": 1},
                    },
                    {
                        "type": "dynamic-tool",
                        "toolName": "zoom",
                        "toolCallId": "c2",
                        "state": "output-error",
                        "input": "{}",
                        "errorText": "too far",
                    },
                    {"type": "step-start"},
                    {"type": "text", "text": "A cat.", "state": "done"},
                    {"type": "data-weather", "data": {"ignored": True}},
                ],
            }
        ),
    ]
    history = VercelAIAdapter.load_messages(messages)
    assert without_timestamps(history) == [
        ModelRequest(
            parts=[
                SystemPromptPart("Be brief.", timestamp=EPOCH),
                UserPromptPart(
                    ["What is this?", PNG, ImageUrl("https://example.com/cat.jpg", media_type="image/jpeg")],
                    timestamp=EPOCH,
                ),
            ],
            timestamp=EPOCH,
        ),
        ModelResponse(
            parts=[
                ThinkingPart("Look it up."),
                ToolCallPart("lookup", {"q": "cat"}, "c1"),
                ToolCallPart("zoom", {}, "c2"),
            ],
            timestamp=EPOCH,
        ),
        ModelRequest(
            parts=[
                ToolReturnPart("lookup", {"hits": 1}, "c1", timestamp=EPOCH),
                RetryPromptPart("too far", tool_name="zoom", tool_call_id="c2", timestamp=EPOCH),
            ],
            timestamp=EPOCH,
        ),
        ModelResponse(parts=[TextPart("A cat.")], timestamp=EPOCH),
    ]


async def test_a_run_history_dumps_to_ui_messages_and_loads_back() -> None:
    async with weather_agent().run_stream_events("Weather in Oslo?") as events:
        result = [e async for e in events][-1].result  # type: ignore[union-attr]
    dumped = VercelAIAdapter.dump_messages(result.all_messages())
    assert [(m.role, [p.type for p in m.parts]) for m in dumped] == [
        ("user", ["text"]),
        ("assistant", ["step-start", "reasoning", "tool-weather", "step-start", "text"]),
    ]
    tool_part = dumped[1].parts[2].model_dump(by_alias=True, exclude_none=True)
    assert tool_part == {
        "type": "tool-weather",
        "toolCallId": "call_1",
        "state": "output-available",
        "input": {"city": "Oslo"},
        "output": "sunny in Oslo",
    }
    loaded = VercelAIAdapter.load_messages(dumped)
    assert [[(p.part_kind, getattr(p, "content", None)) for p in m.parts] for m in loaded] == [
        [("user-prompt", "Weather in Oslo?")],
        [("thinking", "Let me think"), ("tool-call", None)],
        [("tool-return", "sunny in Oslo")],
        [("text", "It is sunny.")],
    ]


async def test_a_frontend_tool_output_in_the_messages_continues_the_run() -> None:
    seen: list[list[ModelMessage]] = []
    agent = Agent(streamed_model(["Booked."], seen=seen))
    assistant = {
        "id": "a1",
        "role": "assistant",
        "parts": [
            {"type": "step-start"},
            {
                "type": "tool-book",
                "toolCallId": "c1",
                "state": "output-available",
                "input": {"day": "Mon"},
                "output": "ok",
            },
        ],
    }
    adapter = VercelAIAdapter(agent, VercelAIAdapter.build_run_input(body(user("Book Monday"), assistant)))
    assert isinstance(adapter.run_input, SubmitMessage)
    chunks = await run_chunks(adapter)
    assert [[p.part_kind for p in m.parts] for m in seen[0]] == [["user-prompt"], ["tool-call"], ["tool-return"]]
    assert normalized([c for c in chunks if isinstance(c, dict)])[2:5] == [
        {"type": "text-start", "id": "id1"},
        {"type": "text-delta", "id": "id1", "delta": "Booked."},
        {"type": "text-end", "id": "id1"},
    ]


# -- tool approval (AI SDK 6) ---------------------------------------------------------------------------------

CLEAN_UP = [
    {0: DeltaToolCall(name="read_file", json_args='{"path": "a"}', tool_call_id="r1")},
    {1: DeltaToolCall(name="delete_file", json_args='{"path": "b"}', tool_call_id="d1")},
]
"""The model's first response: a call that runs at once, and one that needs the user's approval."""


def file_agent(*scripts: Any, ran: list[str], seen: list[list[ModelMessage]] | None = None) -> Agent[None, Any]:
    agent: Agent[None, Any] = Agent(streamed_model(*scripts, seen=seen), output_type=[str, DeferredToolRequests])

    @agent.tool_plain
    def read_file(path: str) -> str:
        ran.append(f"read {path}")
        return f"contents of {path}"

    @agent.tool_plain(requires_approval=True)
    def delete_file(path: str) -> str:
        ran.append(f"delete {path}")
        return f"deleted {path}"

    return agent


def answered(approval: dict[str, Any]) -> dict[str, Any]:
    """The assistant message of the first run as the client sends it back once the user answered the approval."""
    return {
        "id": "a1",
        "role": "assistant",
        "parts": [
            {"type": "step-start"},
            {
                "type": "tool-read_file",
                "toolCallId": "r1",
                "state": "output-available",
                "input": {"path": "a"},
                "output": "contents of a",
            },
            {
                "type": "tool-delete_file",
                "toolCallId": "d1",
                "state": "approval-responded",
                "input": {"path": "b"},
                "approval": approval,
            },
        ],
    }


ASKED_FOR_APPROVAL: list[dict[str, Any] | str] = [
    {"type": "start"},
    {"type": "start-step"},
    {"type": "tool-input-start", "toolCallId": "r1", "toolName": "read_file"},
    {"type": "tool-input-delta", "toolCallId": "r1", "inputTextDelta": '{"path": "a"}'},
    {"type": "tool-input-available", "toolCallId": "r1", "toolName": "read_file", "input": {"path": "a"}},
    {"type": "tool-input-start", "toolCallId": "d1", "toolName": "delete_file"},
    {"type": "tool-input-delta", "toolCallId": "d1", "inputTextDelta": '{"path": "b"}'},
    {"type": "tool-input-available", "toolCallId": "d1", "toolName": "delete_file", "input": {"path": "b"}},
    {"type": "tool-output-available", "toolCallId": "r1", "output": "contents of a"},
    {"type": "tool-approval-request", "approvalId": "approval-d1", "toolCallId": "d1"},
    {"type": "finish-step"},
    {"type": "finish", "finishReason": "tool-calls"},
    "[DONE]",
]


def resumed_chunks(answer: dict[str, Any]) -> list[dict[str, Any] | str]:
    """The chunks of the run that resumes with the user's answer: ``answer`` first, then the model's reply."""
    return [
        {"type": "start"},
        answer,
        {"type": "start-step"},
        {"type": "text-start", "id": "id1"},
        {"type": "text-delta", "id": "id1", "delta": "Done."},
        {"type": "text-end", "id": "id1"},
        {"type": "finish-step"},
        {"type": "finish", "finishReason": "stop"},
        "[DONE]",
    ]


@pytest.mark.parametrize(
    ("approval", "answer", "ran_after", "model_saw"),
    [
        pytest.param(
            {"id": "approval-d1", "approved": True},
            {"type": "tool-output-available", "toolCallId": "d1", "output": "deleted b"},
            ["delete b"],
            ToolReturnPart("delete_file", "deleted b", "d1"),
            id="approved",
        ),
        pytest.param(
            {"id": "approval-d1", "approved": False, "reason": "Not today."},
            {"type": "tool-output-denied", "toolCallId": "d1"},
            [],
            ToolReturnPart("delete_file", "Not today.", "d1", outcome="denied"),
            id="denied",
        ),
        pytest.param(
            {"id": "approval-d1", "approved": False},
            {"type": "tool-output-denied", "toolCallId": "d1"},
            [],
            ToolReturnPart("delete_file", "The tool call was denied.", "d1", outcome="denied"),
            id="denied-without-reason",
        ),
    ],
)
async def test_sdk_6_asks_for_approval_and_the_next_request_carries_the_answer(
    approval: dict[str, Any], answer: dict[str, Any], ran_after: list[str], model_saw: ToolReturnPart
) -> None:
    ran: list[str] = []
    first = await post(VercelAIApp(file_agent(CLEAN_UP, ran=ran), sdk_version=6), "/", body(user("Clean up")))
    assert first.status_code == 200
    assert decoded(first.text) == ASKED_FOR_APPROVAL
    assert ran == ["read a"]  # the other call waits for the user

    seen: list[list[ModelMessage]] = []
    app = VercelAIApp(file_agent(["Done."], ran=ran, seen=seen), sdk_version=6)
    second = await post(app, "/", body(user("Clean up"), answered(approval)))
    assert second.status_code == 200
    assert normalized(decoded(second.text)) == resumed_chunks(answer)
    assert ran == ["read a", *ran_after]
    [request] = seen  # one model request: the earlier return and the answered call's, together
    assert [[p.part_kind for p in m.parts] for m in request] == [
        ["user-prompt"],
        ["tool-call", "tool-call"],
        ["tool-return", "tool-return"],
    ]
    read, delete = request[-1].parts
    assert (read.content, read.outcome) == ("contents of a", "success")  # type: ignore[union-attr]
    assert without_timestamps([ModelRequest(parts=[delete])]) == without_timestamps([ModelRequest(parts=[model_saw])])


async def test_sdk_5_clients_get_no_approval_chunks() -> None:
    ran: list[str] = []
    first = await post(VercelAIApp(file_agent(CLEAN_UP, ran=ran)), "/", body(user("Clean up")))
    assert decoded(first.text) == [
        *[c for c in ASKED_FOR_APPROVAL[:-3] if isinstance(c, dict) and c["type"] != "tool-approval-request"],
        {"type": "finish-step"},
        {"type": "finish"},
        "[DONE]",
    ]
    # A denial answered anyway (a v5 client cannot, but the parts load) is the call's output, as before.
    app = VercelAIApp(file_agent(["Done."], ran=ran))
    denied = {"id": "approval-d1", "approved": False, "reason": "No."}
    second = await post(app, "/", body(user("Clean up"), answered(denied)))
    assert normalized(decoded(second.text))[1] == {"type": "tool-output-available", "toolCallId": "d1", "output": "No."}
    assert ran == ["read a"]


@pytest.mark.parametrize(
    ("state", "approval", "message"),
    [
        (
            "approval-responded",
            None,
            "Value error, a tool part in state 'approval-responded' needs its `approval` (an object with the "
            "approval's `id`)",
        ),
        (
            "approval-responded",
            {"id": "approval-d1"},
            "Value error, a tool part in state 'approval-responded' needs `approval.approved` (true or false)",
        ),
        (
            "output-denied",
            {"id": "approval-d1", "approved": True},
            "Value error, a tool part in state 'output-denied' cannot have `approval.approved` true",
        ),
        ("approval-responded", {"approved": True}, "Field required"),
        ("approval-granted", {"id": "approval-d1", "approved": True}, "Input should be 'input-streaming', "),
    ],
)
async def test_a_malformed_approval_part_is_answered_with_422_and_no_run(
    state: str, approval: dict[str, Any] | None, message: str
) -> None:
    ran: list[str] = []
    seen: list[list[ModelMessage]] = []
    part: dict[str, Any] = {"type": "tool-delete_file", "toolCallId": "d1", "state": state, "input": {"path": "b"}}
    if approval is not None:
        part["approval"] = approval
    assistant = {"id": "a1", "role": "assistant", "parts": [part]}
    app = VercelAIApp(file_agent(["Done."], ran=ran, seen=seen), sdk_version=6)
    response = await post(app, "/", body(user("Clean up"), assistant))
    assert response.status_code == 422
    assert response.json()["detail"] == "The request body is not a valid Vercel AI run input."
    [error] = response.json()["errors"]
    assert error["msg"].startswith(message)
    assert (ran, seen) == ([], [])


def test_approval_answers_come_from_the_last_message_if_it_is_the_assistants() -> None:
    def adapter(*messages: dict[str, Any]) -> VercelAIAdapter[Any, Any]:
        return VercelAIAdapter(Agent(streamed_model()), VercelAIAdapter.build_run_input(body(*messages)))

    waiting = {"type": "dynamic-tool", "toolName": "wipe", "toolCallId": "w1", "state": "approval-requested"}
    assistant = answered({"id": "approval-d1", "approved": False, "reason": "No."})
    assistant["parts"] += [
        {**waiting, "toolCallId": "w2", "state": "approval-responded", "approval": {"id": "x", "approved": True}},
        {**waiting, "approval": {"id": "y"}},
    ]
    results = adapter(user("Clean up"), assistant).deferred_tool_results
    assert results == DeferredToolResults(approvals={"d1": ToolDenied("No."), "w2": True})
    assert adapter(user("Clean up"), assistant, user("Never mind", id="u2")).deferred_tool_results is None
    assert adapter(user("Clean up")).deferred_tool_results is None


async def test_a_denied_call_loads_dumps_as_output_denied_and_loads_back() -> None:
    ran: list[str] = []
    agent = file_agent(CLEAN_UP, ["Done."], ran=ran)
    async with agent.run_stream_events("Clean up") as events:
        first = [e async for e in events][-1].result  # type: ignore[union-attr]
    denial = DeferredToolResults(approvals={"d1": ToolDenied("Not today.")})
    async with agent.run_stream_events(message_history=first.all_messages(), deferred_tool_results=denial) as events:
        second = [e async for e in events][-1].result  # type: ignore[union-attr]

    dumped = VercelAIAdapter.dump_messages(second.all_messages())
    assert [p.model_dump(by_alias=True, exclude_none=True) for p in dumped[1].parts[1:3]] == [
        {
            "type": "tool-read_file",
            "toolCallId": "r1",
            "state": "output-available",
            "input": {"path": "a"},
            "output": "contents of a",
        },
        {
            "type": "tool-delete_file",
            "toolCallId": "d1",
            "state": "output-denied",
            "input": {"path": "b"},
            "approval": {"id": "approval-d1", "approved": False, "reason": "Not today."},
        },
    ]
    loaded = VercelAIAdapter.load_messages(dumped)
    assert without_timestamps(loaded[2:3]) == [
        ModelRequest(
            parts=[
                ToolReturnPart("read_file", "contents of a", "r1", timestamp=EPOCH),
                ToolReturnPart("delete_file", "Not today.", "d1", timestamp=EPOCH, outcome="denied"),
            ],
            timestamp=EPOCH,
        )
    ]
    assert ran == ["read a"]


def test_calls_waiting_for_approval_or_its_answer_load_as_calls_alone() -> None:
    message = UIMessage.model_validate(
        {
            "id": "a",
            "role": "assistant",
            "parts": [
                {"type": "tool-a", "toolCallId": "c1", "state": "approval-requested", "approval": {"id": "p1"}},
                {
                    "type": "tool-b",
                    "toolCallId": "c2",
                    "state": "approval-responded",
                    "input": {"x": 1},
                    "approval": {"id": "p2", "approved": True},
                },
            ],
        }
    )
    assert without_timestamps(VercelAIAdapter.load_messages([message])) == [
        ModelResponse(parts=[ToolCallPart("a", None, "c1"), ToolCallPart("b", {"x": 1}, "c2")], timestamp=EPOCH)
    ]


# -- the package ---------------------------------------------------------------------------------------------------


def test_importing_the_ui_packages_imports_no_starlette() -> None:
    code = "import sys, trio_agent, trio_agent.ui, trio_agent.ui.vercel_ai; print(sorted(m for m in sys.modules if m.startswith('starlette')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_adapter_and_stream_are_the_generic_bases_subclasses() -> None:
    assert issubclass(VercelAIAdapter, UIAdapter)
    assert issubclass(VercelAIEventStream, UIEventStream)
