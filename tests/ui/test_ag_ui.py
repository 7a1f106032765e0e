"""AG-UI (protocol 1.0): exact event sequences, the HTTP endpoint, frontend tools, state, errors, history."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel, TypeAdapter

pytest.importorskip("ag_ui.core", reason="the AG-UI adapter needs `ag-ui-protocol`")

from ag_ui.core import (
    AssistantMessage,
    Event,
    FunctionCall,
    ImagePart,
    Message,
    ResumeEntry,
    RunAgentInput,
    StateSnapshotEvent,
    SystemMessage,
    Tool,
    ToolCall,
    ToolMessage,
    UrlSource,
    UserMessage,
)
from ag_ui.core import TextPart as TextContentPart

from conftest import streamed_model, weather_agent
from trio_agent import Agent, RunContext
from trio_agent.messages import ModelMessage, ToolReturn
from trio_agent.models.function import DeltaToolCall
from trio_agent.tools import DeferredToolRequests
from trio_agent.ui import StateDeps
from trio_agent.ui.ag_ui import AGUIAdapter, AGUIApp, AGUIEventStream

# -- helpers -------------------------------------------------------------------------------------------------


def run_input(*messages: Any, **fields: Any) -> RunAgentInput:
    return RunAgentInput(thread_id="thread-1", run_id="run-1", messages=list(messages), **fields)


def body(*messages: Any, **fields: Any) -> bytes:
    return run_input(*messages, **fields).model_dump_json(by_alias=True).encode()


USER = UserMessage(id="u1", content="Weather in Oslo?")
ID_KEYS = ("messageId", "parentMessageId")


def normalized(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events with each message id replaced by ``id1``, ``id2``... in order of first appearance."""
    names: dict[str, str] = {}
    return [
        {k: names.setdefault(v, f"id{len(names) + 1}") if k in ID_KEYS else v for k, v in event.items()}
        for event in events
    ]


def decoded(sse_text: str) -> list[dict[str, Any]]:
    return [json.loads(block.removeprefix("data: ")) for block in sse_text.split("\n\n") if block]


async def run_events(adapter: AGUIAdapter[Any, Any], **kwargs: Any) -> list[dict[str, Any]]:
    async with adapter.run_stream(**kwargs) as events:
        text = "".join([chunk async for chunk in adapter.encode_stream(events)])
    return decoded(text)


async def post(app: Any, content: bytes) -> httpx2.Response:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post("/", content=content, headers={"content-type": "application/json"})


WEATHER_EVENTS: list[dict[str, Any]] = [
    {"type": "RUN_STARTED", "threadId": "thread-1", "runId": "run-1", "protocolVersion": "1.0"},
    {"type": "REASONING_START", "messageId": "id1"},
    {"type": "REASONING_MESSAGE_START", "messageId": "id2", "role": "reasoning"},
    {"type": "REASONING_MESSAGE_CONTENT", "messageId": "id2", "delta": "Let me "},
    {"type": "REASONING_MESSAGE_CONTENT", "messageId": "id2", "delta": "think"},
    {"type": "REASONING_MESSAGE_END", "messageId": "id2"},
    {"type": "REASONING_END", "messageId": "id1"},
    {"type": "TOOL_CALL_START", "toolCallId": "call_1", "toolCallName": "weather", "parentMessageId": "id3"},
    {"type": "TOOL_CALL_ARGS", "toolCallId": "call_1", "delta": '{"city":'},
    {"type": "TOOL_CALL_ARGS", "toolCallId": "call_1", "delta": ' "Oslo"}'},
    {"type": "TOOL_CALL_END", "toolCallId": "call_1"},
    {
        "type": "TOOL_CALL_RESULT",
        "messageId": "id4",
        "toolCallId": "call_1",
        "content": "sunny in Oslo",
        "role": "tool",
    },
    {"type": "TEXT_MESSAGE_START", "messageId": "id5", "role": "assistant"},
    {"type": "TEXT_MESSAGE_CONTENT", "messageId": "id5", "delta": "It is "},
    {"type": "TEXT_MESSAGE_CONTENT", "messageId": "id5", "delta": "sunny."},
    {"type": "TEXT_MESSAGE_END", "messageId": "id5"},
    {"type": "RUN_FINISHED", "threadId": "thread-1", "runId": "run-1"},
]


# -- the stream ------------------------------------------------------------------------------------------------


async def test_a_run_with_thinking_a_tool_call_and_text() -> None:
    events = await run_events(AGUIAdapter(weather_agent(), run_input(USER)))
    assert normalized(events) == WEATHER_EVENTS


async def test_the_asgi_app_answers_with_sse_events_of_the_protocol() -> None:
    response = await post(AGUIApp(weather_agent()), body(USER))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    events = [json.loads(event.data) for event in httpx2.EventSource(response)]
    assert normalized(events) == WEATHER_EVENTS
    parsed = [TypeAdapter(Event).validate_python(event) for event in events]  # each is a valid AG-UI event
    assert [type(event).__name__ for event in parsed][:2] == ["RunStartedEvent", "ReasoningStartEvent"]


async def test_text_after_a_tool_call_in_the_same_response_is_the_tool_calls_parent_message() -> None:
    agent = Agent(
        streamed_model(["Checking.", {1: DeltaToolCall(name="check", json_args="{}", tool_call_id="c1")}], ["Done."])
    )

    @agent.tool_plain
    def check() -> str:
        return "ok"

    events = normalized(await run_events(AGUIAdapter(agent, run_input(USER))))
    assert events[1] == {"type": "TEXT_MESSAGE_START", "messageId": "id1", "role": "assistant"}
    assert events[4] == {
        "type": "TOOL_CALL_START",
        "toolCallId": "c1",
        "toolCallName": "check",
        "parentMessageId": "id1",
    }
    assert events[-3]["type"] == "TEXT_MESSAGE_CONTENT"
    assert events[-3]["messageId"] not in {"id1", "id2"}  # the next response's text is a message of its own


async def test_transform_stream_turns_the_events_of_a_run_you_drive() -> None:
    async with weather_agent().run_stream_events("Weather in Oslo?") as events:
        protocol_events = [e async for e in AGUIEventStream(run_input(USER)).transform_stream(events)]
    dumped = [e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in protocol_events]
    assert normalized(dumped) == WEATHER_EVENTS


# -- frontend tools and state ------------------------------------------------------------------------------------


async def test_a_frontend_tool_call_ends_the_run_and_its_answer_continues_the_next() -> None:
    seen: list[list[ModelMessage]] = []
    agent = Agent(
        streamed_model(
            [{0: DeltaToolCall(name="confirm", json_args='{"q": "Sure?"}', tool_call_id="c1")}], ["Thanks."], seen=seen
        )
    )
    confirm = Tool(
        name="confirm",
        description="Ask the user.",
        parameters={"type": "object", "properties": {"q": {"type": "string"}}},
    )

    first = await run_events(AGUIAdapter(agent, run_input(USER, tools=[confirm])))
    assert first[1:] == [
        {
            "type": "TOOL_CALL_START",
            "toolCallId": "c1",
            "toolCallName": "confirm",
            "parentMessageId": first[1]["parentMessageId"],
        },
        {"type": "TOOL_CALL_ARGS", "toolCallId": "c1", "delta": '{"q": "Sure?"}'},
        {"type": "TOOL_CALL_END", "toolCallId": "c1"},
        {
            "type": "RUN_FINISHED",
            "threadId": "thread-1",
            "runId": "run-1",
            "outcome": {"type": "success", "pendingToolCallIds": ["c1"]},
        },
    ]

    answered = [
        USER,
        AssistantMessage(
            id="a1", tool_calls=[ToolCall(id="c1", function=FunctionCall(name="confirm", arguments='{"q": "Sure?"}'))]
        ),
        ToolMessage(id="t1", tool_call_id="c1", content="yes"),
    ]
    second = await run_events(AGUIAdapter(agent, run_input(*answered, tools=[confirm])))
    assert [e["type"] for e in second] == [
        "RUN_STARTED",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "RUN_FINISHED",
    ]
    assert [[p.part_kind for p in m.parts] for m in seen[1]] == [["user-prompt"], ["tool-call"], ["tool-return"]]
    assert seen[1][2].parts[0].content == "yes"  # type: ignore[union-attr]


class Counter(BaseModel):
    count: int = 0


async def test_the_frontend_state_reaches_deps_and_a_tool_sends_a_state_snapshot() -> None:
    agent = Agent(
        streamed_model([{0: DeltaToolCall(name="increment", json_args="{}", tool_call_id="c1")}], ["Done."]),
        deps_type=StateDeps[Counter],
    )

    @agent.tool
    def increment(ctx: RunContext[StateDeps[Counter]]) -> ToolReturn[str]:
        new = Counter(count=ctx.deps.state.count + 1)
        return ToolReturn("incremented", metadata=StateSnapshotEvent(snapshot=new.model_dump()))

    deps = StateDeps(Counter())
    response = await post(AGUIApp(agent, deps=deps), body(USER, state={"count": 41}))
    events = decoded(response.text)
    result = next(i for i, e in enumerate(events) if e["type"] == "TOOL_CALL_RESULT")
    assert events[result]["content"] == "incremented"
    assert events[result + 1] == {"type": "STATE_SNAPSHOT", "snapshot": {"count": 42}}
    assert deps.state.count == 0  # each run gets its own copy of `deps`


async def test_a_state_that_does_not_validate_is_answered_with_422() -> None:
    response = await post(AGUIApp(weather_agent(), deps=StateDeps(Counter())), body(USER, state={"count": "many"}))
    assert response.status_code == 422
    assert response.json()["detail"] == "The request's state is not a valid `StateDeps` state."
    assert [e["loc"] for e in response.json()["errors"]] == [["count"]]


async def test_a_state_sent_to_deps_without_state_is_dropped_with_a_warning() -> None:
    adapter = AGUIAdapter(Agent(streamed_model(["Hi."])), run_input(USER, state={"count": 1}))
    with pytest.warns(UserWarning, match="does not implement `StateHandler`"):
        events = await run_events(adapter)
    assert events[-1]["type"] == "RUN_FINISHED"


# -- errors ----------------------------------------------------------------------------------------------------


async def test_a_model_failing_mid_text_ends_the_run_with_run_error_only() -> None:
    agent = Agent(streamed_model(["Once upon", RuntimeError("connection lost")]))
    events = normalized(await run_events(AGUIAdapter(agent, run_input(USER))))
    assert events == [
        {"type": "RUN_STARTED", "threadId": "thread-1", "runId": "run-1", "protocolVersion": "1.0"},
        {"type": "TEXT_MESSAGE_START", "messageId": "id1", "role": "assistant"},
        {"type": "TEXT_MESSAGE_CONTENT", "messageId": "id1", "delta": "Once upon"},
        {"type": "TEXT_MESSAGE_END", "messageId": "id1"},
        {"type": "RUN_ERROR", "message": "connection lost", "code": "RuntimeError"},
    ]


async def test_a_failing_tool_gets_a_result_then_run_error() -> None:
    agent = Agent(streamed_model([{0: DeltaToolCall(name="explode", json_args="{}", tool_call_id="c9")}]))

    @agent.tool_plain
    def explode() -> str:
        raise ValueError("the tool blew up")

    events = await run_events(AGUIAdapter(agent, run_input(USER)))
    assert [e["type"] for e in events] == [
        "RUN_STARTED",
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
        "TOOL_CALL_RESULT",
        "RUN_ERROR",
    ]
    assert events[4]["content"] == '{"error":"Tool execution was interrupted by an error."}'
    assert events[5] == {"type": "RUN_ERROR", "message": "the tool blew up", "code": "ValueError"}


async def test_an_invalid_body_is_answered_with_422_and_no_run() -> None:
    response = await post(AGUIApp(weather_agent()), b'{"threadId": "t", "messages": []}')
    assert response.status_code == 422
    assert response.json()["detail"] == "The request body is not a valid AG-UI run input."
    assert [(e["type"], e["loc"]) for e in response.json()["errors"]] == [("missing", ["runId"])]


async def test_a_tool_message_answering_no_call_is_answered_with_400() -> None:
    stray = ToolMessage(id="t1", tool_call_id="nope", content="yes")
    response = await post(AGUIApp(weather_agent()), body(USER, stray))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request's messages cannot be loaded: "
        "The tool message 't1' answers tool call 'nope', which no assistant message made"
    }


# -- history ----------------------------------------------------------------------------------------------------


def test_ag_ui_messages_load_as_our_history() -> None:
    messages: list[Message] = [
        SystemMessage(id="s", content="Be brief."),
        UserMessage(
            id="u",
            content=[
                TextContentPart(text="What is this?"),
                ImagePart(source=UrlSource(value="https://example.com/cat.jpg", mime_type="image/jpeg")),
            ],
        ),
        AssistantMessage(
            id="a",
            content="Let me look.",
            tool_calls=[ToolCall(id="c1", function=FunctionCall(name="lookup", arguments='{"q": "cat"}'))],
        ),
        ToolMessage(id="t", tool_call_id="c1", content="a cat"),
        AssistantMessage(id="a2", content="A cat."),
    ]
    history = AGUIAdapter.load_messages(messages)
    described = [
        [(p.part_kind, getattr(p, "content", None) or getattr(p, "args", None)) for p in m.parts] for m in history
    ]
    image: Any = history[0].parts[1].content[1]  # type: ignore[union-attr,index]
    assert described == [
        [("system-prompt", "Be brief."), ("user-prompt", ["What is this?", image])],
        [("text", "Let me look."), ("tool-call", '{"q": "cat"}')],
        [("tool-return", "a cat")],
        [("text", "A cat.")],
    ]
    assert (type(image).__name__, image.url, image.media_type) == (
        "ImageUrl",
        "https://example.com/cat.jpg",
        "image/jpeg",
    )
    assert history[1].parts[1].tool_call_id == "c1"  # type: ignore[union-attr]


async def test_a_run_history_dumps_to_ag_ui_messages_and_loads_back() -> None:
    async with weather_agent().run_stream_events("Weather in Oslo?") as events:
        result = [e async for e in events][-1].result  # type: ignore[union-attr]
    dumped = AGUIAdapter.dump_messages(result.all_messages())
    assert [m.model_dump(by_alias=True, exclude_none=True, exclude={"id"}) for m in dumped] == [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "reasoning", "content": "Let me think"},
        {
            "role": "assistant",
            "toolCalls": [
                {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": '{"city":"Oslo"}'}}
            ],
        },
        {"role": "tool", "content": "sunny in Oslo", "toolCallId": "call_1"},
        {"role": "assistant", "content": "It is sunny."},
    ]
    loaded = AGUIAdapter.load_messages(dumped)
    assert [[(p.part_kind, getattr(p, "content", None)) for p in m.parts] for m in loaded] == [
        [("user-prompt", "Weather in Oslo?")],
        [("thinking", "Let me think"), ("tool-call", None)],
        [("tool-return", "sunny in Oslo")],
        [("text", "It is sunny.")],
    ]


def test_importing_the_ag_ui_package_imports_no_starlette() -> None:
    import subprocess
    import sys

    code = "import sys, trio_agent.ui.ag_ui; print(sorted(m for m in sys.modules if m.startswith('starlette')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- tool approvals as interrupts ---------------------------------------------------------------------------------


CALL_DELETE = [{0: DeltaToolCall(name="delete", json_args='{"path": "a.txt"}', tool_call_id="c1")}]


def approval_agent(
    *scripts: list[Any], seen: list[list[ModelMessage]] | None = None
) -> tuple[Agent[None, Any], list[str]]:
    """An agent with a tool `delete` that needs approval; its model answers each request with the next script."""
    agent = Agent(streamed_model(*scripts, seen=seen), output_type=[str, DeferredToolRequests])
    deleted: list[str] = []

    @agent.tool_plain(requires_approval=True)
    def delete(path: str) -> str:
        deleted.append(path)
        return f"deleted {path}"

    return agent, deleted


ASKED = AssistantMessage(
    id="a1", tool_calls=[ToolCall(id="c1", function=FunctionCall(name="delete", arguments='{"path": "a.txt"}'))]
)


def resumed(payload: Any, status: str = "resolved", interrupt_id: str = "tool-approval:c1") -> RunAgentInput:
    return run_input(USER, ASKED, resume=[ResumeEntry(interrupt_id=interrupt_id, status=status, payload=payload)])


async def test_a_call_that_needs_approval_ends_the_run_with_an_interrupt() -> None:
    agent, deleted = approval_agent(CALL_DELETE)
    events = await run_events(AGUIAdapter(agent, run_input(USER)))
    assert events[-1] == {
        "type": "RUN_FINISHED",
        "threadId": "thread-1",
        "runId": "run-1",
        "outcome": {
            "type": "interrupt",
            "interrupts": [
                {
                    "id": "tool-approval:c1",
                    "reason": "tool_call",
                    "message": 'Approve delete({"path":"a.txt"})?',
                    "toolCallId": "c1",
                    "responseSchema": {
                        "type": "object",
                        "properties": {
                            "approved": {"type": "boolean"},
                            "editedArgs": {"type": "object"},
                            "reason": {"type": "string"},
                        },
                        "required": ["approved"],
                    },
                }
            ],
        },
    }
    assert [e["type"] for e in events[1:-1]] == ["TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END"]
    assert deleted == []  # nothing ran without the approval
    TypeAdapter(Event).validate_python(events[-1])  # a valid AG-UI event


async def test_an_approved_call_runs_when_the_frontend_resumes() -> None:
    seen: list[list[ModelMessage]] = []
    agent, deleted = approval_agent(["Done."], seen=seen)
    events = await run_events(AGUIAdapter(agent, resumed({"approved": True})))
    assert deleted == ["a.txt"]
    assert [e["type"] for e in events] == [
        "RUN_STARTED",
        "TOOL_CALL_RESULT",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "RUN_FINISHED",
    ]
    assert events[1]["content"] == "deleted a.txt"
    assert "outcome" not in events[-1]


async def test_an_approval_with_edited_arguments_runs_the_call_with_them() -> None:
    agent, deleted = approval_agent(["Done."])
    await run_events(AGUIAdapter(agent, resumed({"approved": True, "editedArgs": {"path": "b.txt"}})))
    assert deleted == ["b.txt"]


@pytest.mark.parametrize(
    ("payload", "status", "told"),
    [
        ({"approved": False, "reason": "Not that file."}, "resolved", "Not that file."),
        ({"approved": False}, "resolved", "The tool call was denied."),
        ({"approved": "yes"}, "resolved", "The tool call was denied."),  # not strictly a boolean: denied
        ({"editedArgs": {"path": "b.txt"}}, "resolved", "The tool call was denied."),
        ("ok", "resolved", "The tool call was denied."),
        ({"approved": True}, "cancelled", "The user cancelled the approval request."),
    ],
)
async def test_anything_but_a_clear_approval_denies_the_call(payload: Any, status: str, told: str) -> None:
    seen: list[list[ModelMessage]] = []
    agent, deleted = approval_agent(["Understood."], seen=seen)
    events = await run_events(AGUIAdapter(agent, resumed(payload, status)))
    assert deleted == []
    assert events[1]["type"] == "TOOL_CALL_RESULT"
    assert told in events[1]["content"]
    returns = [p for m in seen[0] for p in m.parts if p.part_kind == "tool-return"]
    assert [told in str(p.content) for p in returns] == [True]  # the model is told why


async def test_a_resume_entry_for_an_interrupt_that_is_not_ours_is_answered_with_400() -> None:
    agent, deleted = approval_agent(["Done."])
    content = resumed({"approved": True}, interrupt_id="other:c1").model_dump_json(by_alias=True).encode()
    response = await post(AGUIApp(agent), content)
    assert response.status_code == 400
    assert "answers no interrupt of this agent's" in response.json()["detail"]
    assert deleted == []
