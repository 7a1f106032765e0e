"""History processors: `Agent(history_processors=...)`, `ProcessHistory` / `HistoryProcessor` and
`ReinjectSystemPrompt`, as the reference documents them (the processed list replaces the run's history)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio

from conftest import request_texts
from trio_agent import Agent, RunContext, capture_run_messages
from trio_agent.capabilities import HistoryProcessor, ProcessHistory, ReinjectSystemPrompt
from trio_agent.exceptions import UserError
from trio_agent.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.tools import DeferredToolRequests, DeferredToolResults

HISTORY: list[ModelMessage] = [
    ModelRequest(parts=[UserPromptPart("Question 1")]),
    ModelResponse(parts=[TextPart("Answer 1")]),
    ModelRequest(parts=[UserPromptPart("Question 2")]),
    ModelResponse(parts=[TextPart("Answer 2")]),
]


def history() -> list[ModelMessage]:
    return [ModelRequest(parts=list(m.parts)) if isinstance(m, ModelRequest) else m for m in HISTORY]


class Recording:
    """A FunctionModel (plain and streamed) that keeps the messages of each request it receives."""

    def __init__(self) -> None:
        self.received: list[list[ModelMessage]] = []

        def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            self.received.append(list(messages))
            return ModelResponse(parts=[TextPart("Provider response")])

        async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
            self.received.append(list(messages))
            yield "hello"

        self.model = FunctionModel(respond, stream_function=stream)


def only_requests(messages: list[ModelMessage]) -> list[ModelMessage]:
    return [m for m in messages if isinstance(m, ModelRequest)]


def keep_last_and_note(messages: list[ModelMessage]) -> list[ModelMessage]:
    return [*messages[-1:], ModelRequest(parts=[SystemPromptPart("Processed answer")])]


async def test_no_op_processor_sends_and_keeps_the_history() -> None:
    rec = Recording()
    agent = Agent(rec.model, history_processors=[lambda messages: messages])
    with capture_run_messages() as captured:
        result = await agent.run("New question", message_history=history())
    assert request_texts(rec.received[0]) == request_texts(
        [*HISTORY, ModelRequest(parts=[UserPromptPart("New question")])]
    )
    assert captured == result.all_messages()
    assert len(result.all_messages()) == 6
    assert result.new_messages() == result.all_messages()[-2:]


async def test_processed_list_replaces_the_runs_history() -> None:
    rec = Recording()
    agent = Agent(rec.model, history_processors=[keep_last_and_note])
    with capture_run_messages() as captured:
        result = await agent.run("Question 3", message_history=history())
    # sent merged (two adjacent requests become one), stored as processed
    assert request_texts(rec.received[0]) == [["req:user-prompt:Question 3", "req:system-prompt:Processed answer"]]
    assert request_texts(result.all_messages()) == [
        ["req:user-prompt:Question 3"],
        ["req:system-prompt:Processed answer"],
        ["resp:text:Provider response"],
    ]
    assert captured == result.all_messages()
    assert result.new_messages() == result.all_messages()[-2:]


async def test_run_stream_applies_processors_and_keeps_the_result() -> None:
    rec = Recording()
    agent = Agent(rec.model, history_processors=[keep_last_and_note])
    with capture_run_messages() as captured:
        async with agent.run_stream("Question 3", message_history=history()) as result:
            assert [text async for text in result.stream_text(debounce_by=None)][-1] == "hello"
    assert request_texts(rec.received[0]) == [["req:user-prompt:Question 3", "req:system-prompt:Processed answer"]]
    assert captured == result.all_messages()
    assert request_texts(result.all_messages())[1:] == [["req:system-prompt:Processed answer"], ["resp:text:hello"]]
    assert result.new_messages() == result.all_messages()[-2:]


async def test_iter_with_node_stream_applies_processors() -> None:
    rec = Recording()
    agent = Agent(rec.model, history_processors=[only_requests])
    with capture_run_messages() as captured:
        async with agent.iter("Question 2", message_history=history()[:2]) as run:
            async for node in run:
                if agent.is_model_request_node(node):
                    async with node.stream(run.ctx) as stream:
                        async for _ in stream.stream_responses(debounce_by=None):
                            pass
    result = run.result
    assert result is not None
    assert request_texts(rec.received[0]) == [["req:user-prompt:Question 1", "req:user-prompt:Question 2"]]
    assert captured == result.all_messages()
    assert request_texts(result.all_messages()) == [
        ["req:user-prompt:Question 1"],
        ["req:user-prompt:Question 2"],
        ["resp:text:hello"],
    ]
    assert result.new_messages() == result.all_messages()[-2:]


async def test_processors_run_in_order_each_on_the_previous_result() -> None:
    rec = Recording()
    seen: list[int] = []

    def first(messages: list[ModelMessage]) -> list[ModelMessage]:
        seen.append(len(messages))
        return only_requests(messages)

    async def second(messages: list[ModelMessage]) -> list[ModelMessage]:
        seen.append(len(messages))
        return messages[-1:]

    agent = Agent(rec.model, history_processors=[first, second])
    result = await agent.run("Question 3", message_history=history())
    assert seen == [5, 3]
    assert request_texts(result.all_messages()) == [["req:user-prompt:Question 3"], ["resp:text:Provider response"]]
    assert result.new_messages() == result.all_messages()


async def test_processor_with_context_sees_the_runs_deps_sync_and_async() -> None:
    rec = Recording()

    def prefix(ctx: RunContext[str], messages: list[ModelMessage]) -> list[ModelMessage]:
        out: list[ModelMessage] = []
        for m in messages:
            if isinstance(m, ModelRequest):
                m = ModelRequest(parts=[UserPromptPart(f"{ctx.deps}: {p.content}") for p in m.parts])  # type: ignore[union-attr]
            out.append(m)
        return out

    async def drop_responses(ctx: RunContext[str], messages: list[ModelMessage]) -> list[ModelMessage]:
        assert ctx.deps == "PREFIX"
        return only_requests(messages)

    agent = Agent(rec.model, deps_type=str, history_processors=[drop_responses, prefix])
    result = await agent.run("Question 2", deps="PREFIX", message_history=history()[:2])
    assert request_texts(rec.received[0]) == [
        ["req:user-prompt:PREFIX: Question 1", "req:user-prompt:PREFIX: Question 2"]
    ]
    assert request_texts(result.all_messages())[:2] == [
        ["req:user-prompt:PREFIX: Question 1"],
        ["req:user-prompt:PREFIX: Question 2"],
    ]


async def test_callable_objects_with_and_without_context() -> None:
    calls: list[str] = []

    class Plain:
        def __call__(self, messages: list[ModelMessage]) -> list[ModelMessage]:
            calls.append("plain")
            return messages

    class WithCtx:
        def __call__(self, ctx: RunContext[Any], messages: list[ModelMessage]) -> list[ModelMessage]:
            calls.append(f"ctx:{ctx.run_step}")
            return messages

    agent = Agent(Recording().model, history_processors=[Plain(), WithCtx()])
    await agent.run("hi")
    assert calls == ["plain", "ctx:1"]


async def test_empty_processed_history_is_a_user_error() -> None:
    agent = Agent(Recording().model, history_processors=[lambda messages: []])
    with pytest.raises(UserError, match=r"Processed history cannot be empty\."):
        await agent.run("foobar")


async def test_processed_history_ending_in_a_response_is_a_user_error() -> None:
    agent = Agent(Recording().model, history_processors=[lambda messages: [ModelResponse(parts=[TextPart("x")])]])
    with pytest.raises(UserError, match=r"Processed history must end with a `ModelRequest`\."):
        await agent.run("foobar")


async def test_processors_apply_before_every_request_of_a_run() -> None:
    seen: list[list[list[str]]] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(request_texts(messages))
        if len(seen) == 1:
            return ModelResponse(parts=[ToolCallPart("lookup", {"q": "x"}, tool_call_id="c1")])
        return ModelResponse(parts=[TextPart("done")])

    def last_two(messages: list[ModelMessage]) -> list[ModelMessage]:
        return messages[-2:]

    agent = Agent(FunctionModel(respond), history_processors=[last_two])

    @agent.tool_plain
    def lookup(q: str) -> str:
        return f"found {q}"

    result = await agent.run("go", message_history=history())
    assert seen[0] == [["resp:text:Answer 2"], ["req:user-prompt:go"]]
    assert seen[1] == [['resp:tool-call:lookup({"q":"x"})'], ["req:tool-return:found x"]]
    assert request_texts(result.all_messages()) == [*seen[1], ["resp:text:done"]]
    assert result.new_messages() == result.all_messages()  # (everything left was made by this run)


async def test_processors_apply_to_a_resumed_deferred_run() -> None:
    seen: list[list[list[str]]] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(request_texts(messages))
        if len(seen) == 1:
            return ModelResponse(parts=[ToolCallPart("approve_me", {}, tool_call_id="c1")])
        return ModelResponse(parts=[TextPart("done")])

    processed: list[int] = []

    def count(messages: list[ModelMessage]) -> list[ModelMessage]:
        processed.append(len(messages))
        return messages[-2:]

    agent = Agent(FunctionModel(respond), output_type=[str, DeferredToolRequests], history_processors=[count])

    @agent.tool_plain(requires_approval=True)
    def approve_me() -> str:
        return "approved"

    first = await agent.run("go")
    assert isinstance(first.output, DeferredToolRequests)
    results = DeferredToolResults(approvals={"c1": True})
    second = await agent.run(message_history=first.all_messages(), deferred_tool_results=results)
    assert second.output == "done"
    assert processed == [1, 3]
    assert seen[1] == [["resp:tool-call:approve_me({})"], ["req:tool-return:approved"]]


async def test_sync_processor_runs_in_a_worker_thread() -> None:
    threads: list[bool] = []

    def where(messages: list[ModelMessage]) -> list[ModelMessage]:
        try:
            trio.lowlevel.current_task()
            threads.append(False)
        except RuntimeError:
            threads.append(True)
        return messages

    async def where_async(messages: list[ModelMessage]) -> list[ModelMessage]:
        trio.lowlevel.current_task()  # raises outside trio
        return messages

    await Agent(Recording().model, history_processors=[where, where_async]).run("hi")
    assert threads == [True]


async def test_process_history_capability_is_the_same_as_the_parameter() -> None:
    rec = Recording()
    agent = Agent(rec.model, capabilities=[ProcessHistory(keep_last_and_note)])
    result = await agent.run("Question 3", message_history=history())
    assert request_texts(result.all_messages()) == [
        ["req:user-prompt:Question 3"],
        ["req:system-prompt:Processed answer"],
        ["resp:text:Provider response"],
    ]
    assert result.new_messages() == result.all_messages()[-2:]
    other = Agent(rec.model, capabilities=[HistoryProcessor(only_requests)])
    result = await other.run("Question 3", message_history=history())
    assert [m.kind for m in result.all_messages()] == ["request", "request", "request", "response"]


async def test_history_processors_run_before_the_agents_capabilities() -> None:
    order: list[str] = []

    def first(messages: list[ModelMessage]) -> list[ModelMessage]:
        order.append("history_processors")
        return messages

    async def second(messages: list[ModelMessage]) -> list[ModelMessage]:
        order.append("capability")
        return messages

    agent = Agent(Recording().model, history_processors=[first], capabilities=[ProcessHistory(second)])
    await agent.run("hi")
    assert order == ["history_processors", "capability"]


async def test_reinject_system_prompt_restores_a_lost_prompt() -> None:
    rec = Recording()
    agent = Agent(rec.model, system_prompt="Be brief.", capabilities=[ReinjectSystemPrompt()])
    result = await agent.run("Question 2", message_history=history()[:2])
    assert request_texts(rec.received[0])[0] == ["req:system-prompt:Be brief.", "req:user-prompt:Question 1"]
    assert request_texts(result.all_messages())[0] == ["req:system-prompt:Be brief.", "req:user-prompt:Question 1"]


async def test_reinject_system_prompt_leaves_an_existing_prompt_unless_told_to_replace_it() -> None:
    kept = [ModelRequest(parts=[SystemPromptPart("Old prompt."), UserPromptPart("Question 1")]), *history()[1:2]]
    rec = Recording()
    agent = Agent(rec.model, system_prompt="Be brief.", capabilities=[ReinjectSystemPrompt()])
    await agent.run("Question 2", message_history=kept)
    assert request_texts(rec.received[0])[0] == ["req:system-prompt:Old prompt.", "req:user-prompt:Question 1"]

    replacing = Agent(rec.model, system_prompt="Be brief.", capabilities=[ReinjectSystemPrompt(replace_existing=True)])
    only_prompt = [ModelRequest(parts=[SystemPromptPart("Old prompt.")]), *kept]
    result = await replacing.run("Question 2", message_history=only_prompt)
    assert request_texts(result.all_messages())[0] == ["req:system-prompt:Be brief.", "req:user-prompt:Question 1"]
    assert sum(t.startswith("req:system-prompt") for m in request_texts(result.all_messages()) for t in m) == 1


async def test_processor_returning_a_non_list_is_named_in_the_error() -> None:
    def broken(messages: list[ModelMessage]) -> Any:
        return tuple(messages)

    with pytest.raises(UserError, match=r"`.*broken` returned a 'tuple'"):
        await Agent(Recording().model, history_processors=[broken]).run("hi")


def test_the_compact_history_example_keeps_the_history_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util
    import sys
    from pathlib import Path

    examples = Path(__file__).parent.parent / "examples"
    sys.path.insert(0, str(examples))
    try:
        spec = importlib.util.spec_from_file_location("example_compact_history", examples / "compact_history.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.cli(["--turns", "10", "--keep", "2"])
    finally:
        sys.path.remove(str(examples))
    lines = capsys.readouterr().out.splitlines()
    kept = [int(line.split(":")[1].split()[0]) for line in lines[:10]]
    assert kept == [2, 4, 4, 4, 4, 4, 4, 4, 4, 4]  # bounded: two turns, the older ones summarised
    assert lines[-1].endswith("asked 8 questions: " + "; ".join(f"question {n}" for n in range(1, 9)))
