"""Engine behaviour that used to differ from the reference (issue 16's list), each as the reference does it."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from pydantic import BaseModel

from conftest import request_texts, scripted_model
from trio_agent import Agent, RunContext
from trio_agent.messages import (
    EnqueuedMessagesEvent,
    FunctionToolCallEvent,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
)
from trio_agent.models import ModelProfile
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.output import PromptedOutput


class City(BaseModel):
    name: str


async def test_prompted_output_template_is_sent_but_not_stored() -> None:
    sent: list[str | None] = []

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        sent.append(info.instructions)
        return ModelResponse(parts=[TextPart('{"name": "Oslo"}')])

    profile = ModelProfile(prompted_output_template="Reply as JSON: {schema}")
    agent = Agent(FunctionModel(answer, profile=profile), instructions="Be brief.", output_type=PromptedOutput(City))
    result = await agent.run("x")
    assert result.output == City(name="Oslo")
    assert sent[0] is not None
    assert sent[0].startswith("Be brief.\n\nReply as JSON: {")
    first = result.all_messages()[0]
    assert isinstance(first, ModelRequest)
    assert first.instructions == "Be brief."  # the stored request keeps only the agent's instructions


async def test_enqueue_in_a_tool_joins_the_tool_return_request_and_fills_event_parts() -> None:
    agent = Agent(TestModel())  # (streams: something listens to the run's events)

    @agent.tool
    def note(ctx: RunContext[None]) -> str:
        ctx.enqueue("also this")
        return "ok"

    events: list[Any] = []

    async def handler(ctx: RunContext[Any], stream: AsyncIterable[Any]) -> None:
        async for event in stream:
            events.append(event)

    result = await agent.run("go", event_stream_handler=handler)
    assert request_texts(result.all_messages()[2:3]) == [["req:tool-return:ok", "req:user-prompt:also this"]]
    enqueued = [e for e in events if isinstance(e, EnqueuedMessagesEvent)]
    assert len(enqueued) == 1
    assert [p.content for p in enqueued[0].parts] == ["also this"]  # type: ignore[union-attr]


async def test_function_tool_call_events_say_whether_the_arguments_validated() -> None:
    model = scripted_model(
        [
            ToolCallPart("square", {"n": 3}, "ok"),
            ToolCallPart("square", {"n": "x"}, "bad"),
            ToolCallPart("nope", {}, "u"),
        ],
        [TextPart("done")],
    )
    agent = Agent(model)

    @agent.tool_plain
    def square(n: int) -> int:
        return n * n

    calls: list[tuple[str, bool | None]] = []
    async with agent.iter("go") as run:
        async for node in run:
            if agent.is_call_tools_node(node):
                async with node.stream(run.ctx) as events:
                    async for event in events:
                        if isinstance(event, FunctionToolCallEvent):
                            calls.append((event.tool_call_id, event.args_valid))
    assert calls == [("ok", True), ("bad", False), ("u", False)]


async def test_node_stream_on_model_request_and_call_tools_nodes() -> None:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "hello "
        yield "world"

    agent = Agent(FunctionModel(stream_function=stream))
    texts: list[str] = []
    kinds: list[str] = []
    async with agent.iter("go") as run:
        async for node in run:
            if agent.is_model_request_node(node):
                async with node.stream(run.ctx) as response:
                    texts.extend([t async for t in response.stream_text(debounce_by=None)])
                kinds.append("request")
            elif agent.is_call_tools_node(node):
                async with node.stream(run.ctx) as events:
                    assert [e async for e in events] == []
                kinds.append("tools")
    assert texts[-1] == "hello world"
    assert kinds == ["request", "tools"]
    assert run.result is not None
    assert run.result.output == "hello world"
    assert len(run.result.all_messages()) == 2  # each node ran once


async def test_node_stream_get_output_and_tool_nodes_with_test_model() -> None:
    agent = Agent(TestModel(), output_type=City)
    outputs: list[Any] = []
    async with agent.iter("go") as run:
        async for node in run:
            if agent.is_model_request_node(node):
                async with node.stream(run.ctx) as response:
                    outputs.append(await response.get_output())
    assert outputs == [City(name="a")]
    assert run.result is not None
    assert run.result.output == City(name="a")


async def test_per_run_instructions_follow_the_agents() -> None:
    model = scripted_model([TextPart("x")], [TextPart("y")])
    agent = Agent(model, instructions="Agent says.")
    await agent.run("go", instructions="Run says.")
    await agent.run("go")
    assert [i.instructions for i in model.infos] == ["Agent says.\n\nRun says.", "Agent says."]  # type: ignore[attr-defined]


async def test_model_settings_as_a_function_of_the_run_context() -> None:
    seen: list[Any] = []

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.model_settings)
        if len(seen) == 1:
            return ModelResponse(parts=[ToolCallPart("noop", {}, "c")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(answer), model_settings=lambda ctx: {"temperature": ctx.run_step / 10})

    @agent.tool_plain
    def noop() -> str:
        return ""

    await agent.run("go", model_settings={"max_tokens": 9})
    assert seen == [{"temperature": 0.1, "max_tokens": 9}, {"temperature": 0.2, "max_tokens": 9}]


async def test_run_context_has_conversation_id_and_partial_output() -> None:
    seen: list[tuple[str | None, bool]] = []
    agent = Agent(scripted_model([ToolCallPart("look", {}, "c")], [TextPart("done")]))

    @agent.tool
    def look(ctx: RunContext[None]) -> str:
        seen.append((ctx.conversation_id, ctx.partial_output))
        return ""

    result = await agent.run("go", conversation_id="conv-1")
    assert seen == [("conv-1", False)]
    assert result.conversation_id == "conv-1"


async def test_run_stream_event_stream_handler_sees_the_steps_before_the_answer() -> None:
    agent = Agent(TestModel())

    @agent.tool_plain
    def look() -> str:
        return "seen"

    kinds: list[str] = []

    async def handler(ctx: RunContext[Any], stream: AsyncIterable[Any]) -> None:
        async for event in stream:
            kinds.append(type(event).__name__)

    async with agent.run_stream("go", event_stream_handler=handler) as result:
        assert await result.get_output() == '{"look":"seen"}'
    assert "FunctionToolCallEvent" in kinds
    assert "FunctionToolResultEvent" in kinds


async def test_captured_messages_on_a_tool_failure_keep_the_completed_returns_as_an_interrupted_request() -> None:
    import pytest

    from trio_agent import capture_run_messages

    model = scripted_model([ToolCallPart("fine", {}, "a"), ToolCallPart("broken", {}, "b")], [TextPart("never")])
    agent = Agent(model)

    @agent.tool_plain(sequential=True)
    def fine() -> str:
        return "done"

    @agent.tool_plain(sequential=True)
    def broken() -> str:
        raise RuntimeError("disk on fire")

    with capture_run_messages() as captured, pytest.raises(RuntimeError, match="disk on fire"):
        await agent.run("go")
    last = captured[-1]
    assert isinstance(last, ModelRequest)
    assert last.state == "interrupted"
    assert request_texts([last]) == [["req:tool-return:done"]]


async def test_captured_messages_on_a_stream_failure_keep_the_partial_response() -> None:
    import pytest

    from trio_agent import capture_run_messages

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "half an ans"
        raise ConnectionError("dropped")

    agent = Agent(FunctionModel(stream_function=stream))
    with capture_run_messages() as captured, pytest.raises(ConnectionError):
        async with agent.run_stream("go") as result:
            await result.get_output()
    last = captured[-1]
    assert isinstance(last, ModelResponse)
    assert last.state == "interrupted"
    assert last.parts == [TextPart("half an ans")]


async def test_a_resumed_run_sends_the_tool_returns_in_call_order() -> None:
    from trio_agent.tools import DeferredToolRequests, DeferredToolResults

    model = scripted_model(
        [ToolCallPart("needs_ok", {}, "first"), ToolCallPart("plain", {}, "second")], [TextPart("done")]
    )
    agent = Agent(model, output_type=[str, DeferredToolRequests])

    @agent.tool_plain(requires_approval=True)
    def needs_ok() -> str:
        return "approved"

    @agent.tool_plain
    def plain() -> str:
        return "ran"

    paused = await agent.run("go")
    assert isinstance(paused.output, DeferredToolRequests)
    resumed = await agent.run(
        message_history=paused.all_messages(), deferred_tool_results=DeferredToolResults(approvals={"first": True})
    )
    assert resumed.output == "done"
    sent = model.calls[1][-1]  # type: ignore[attr-defined]
    assert [p.tool_call_id for p in sent.parts] == ["first", "second"]  # the calls' order
    stored = [[p.tool_call_id for p in m.parts] for m in resumed.all_messages()[2:4]]
    assert stored == [["second"], ["first"]]  # each run's returns where that run put them
