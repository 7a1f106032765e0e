"""DBOS in this process, on SQLite files: what is recorded as a step, in which order, what replays, cancellation,
and the errors for what cannot be stored.

DBOS runs workflows in threads and keeps its state in a real database, so these tests use real time (short).
Workflows are registered when this module is imported, before any test launches DBOS (as DBOS requires).
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import trio

pytest.importorskip("dbos")

from dbos import DBOS, SetWorkflowID
from dbos import error as dbos_error

from trio_agent import Agent, ModelRetry, UserError
from trio_agent.durable.dbos import DBOSAgent, DBOSDurability, open_dbos
from trio_agent.exceptions import ModelAPIError
from trio_agent.mcp import MCPToolset
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel

BASIC_MCP = str(Path(__file__).parent.parent / "mcp_servers" / "basic.py")


class Counts:
    def __init__(self) -> None:
        self.model = 0
        self.tools: list[str] = []
        self.running = 0
        self.most_running = 0


def two_turns(counts: Counts, calls: Callable[[int], list[ToolCallPart]]) -> FunctionModel:
    """A model that makes ``calls(turn)`` in turns 0 and 1, then answers."""

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        counts.model += 1
        turn = sum(isinstance(m, ModelResponse) for m in messages)
        if turn < 2:
            return ModelResponse(parts=calls(turn))
        return ModelResponse(parts=[TextPart(f"done after {len(messages)} messages")])

    return FunctionModel(answer)


# -- agents (registered at import) ----------------------------------------------------------------------------

plain_counts = Counts()
plain = Agent(
    two_turns(plain_counts, lambda t: [ToolCallPart("add", {"a": t, "b": 1}, tool_call_id=f"a{t}")]),
    name="capable",
    capabilities=[DBOSDurability()],
)


@plain.tool_plain
def add(a: int, b: int) -> int:
    plain_counts.tools.append(f"add({a},{b})")
    return a + b


@DBOS.workflow(name="test.capable")
def capable_workflow(prompt: str) -> str:
    return plain.run_sync(prompt).output


parallel_counts = Counts()
parallel_calls = lambda t: [  # noqa: E731
    ToolCallPart("wait", {"label": f"{t}-{i}", "delay": 0.03 * (3 - i)}, tool_call_id=f"w{t}{i}") for i in range(3)
]
parallel = Agent(two_turns(parallel_counts, parallel_calls), name="fanout")
sequential = Agent(two_turns(Counts(), parallel_calls), name="onebyone")


async def wait(label: str, delay: float) -> str:
    """Wait, then return the label (later calls finish first)."""
    counts = parallel_counts
    counts.running += 1
    counts.most_running = max(counts.most_running, counts.running)
    try:
        await trio.sleep(delay)
    finally:
        counts.running -= 1
    counts.tools.append(label)
    return label


parallel.tool_plain(wait)
sequential.tool_plain(wait)
durable_parallel = DBOSAgent(parallel, parallel_execution_mode="parallel")
durable_sequential = DBOSAgent(sequential, parallel_execution_mode="sequential")

slow_started = threading.Event()
slow_counts = Counts()
slow = Agent(two_turns(slow_counts, lambda t: [ToolCallPart("stall", {}, tool_call_id=f"s{t}")]), name="stalling")


@slow.tool_plain
async def stall() -> str:
    slow_counts.tools.append("stall")
    slow_started.set()
    await trio.sleep_forever()
    raise AssertionError("unreachable")


durable_slow = DBOSAgent(slow)

iter_agent = Agent(
    two_turns(Counts(), lambda t: [ToolCallPart("add", {"a": 1, "b": 2}, tool_call_id=f"i{t}")]),
    name="iterated",
    capabilities=[DBOSDurability()],
    tools=[add],
)


iterated_errors: list[str] = []


@DBOS.workflow(name="test.iterated")
def iterated_workflow(prompt: str) -> str:
    async def drive() -> str:
        try:
            async with iter_agent.iter(prompt) as run:
                await run.next(run.next_node)  # the first request is built
                run.cancel("the user changed their mind")
                await run.next(run.next_node)
        except BaseException as exc:
            iterated_errors.append(f"{type(exc).__name__}: {exc}")
            raise
        raise AssertionError("unreachable")

    return trio.run(drive)


unstorable = Agent(two_turns(Counts(), lambda t: [ToolCallPart("handle", {}, tool_call_id=f"h{t}")]), name="unstorable")


@unstorable.tool_plain
def handle() -> Any:
    return threading.Lock()  # a result no database can hold


durable_unstorable = DBOSAgent(unstorable)

flaky_counts = Counts()


def flaky_answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    flaky_counts.model += 1
    if flaky_counts.model == 1:
        raise ModelAPIError("flaky-model", "connection reset")
    return ModelResponse(parts=[TextPart("answered on the second attempt")])


durable_flaky = DBOSAgent(
    Agent(FunctionModel(flaky_answer), name="flaky"),
    model_step_config={"retries_allowed": True, "interval_seconds": 0.01, "max_attempts": 3},
)

retry_counts = Counts()
retrying = Agent(
    two_turns(retry_counts, lambda t: [ToolCallPart("picky", {"n": t}, tool_call_id=f"p{t}")]), name="retrying"
)


@retrying.tool_plain
def picky(n: int) -> str:
    retry_counts.tools.append(f"picky({n})")
    if len(retry_counts.tools) == 1:
        raise ModelRetry("try again")
    return "fine"


durable_retrying = DBOSAgent(retrying)

events_seen: list[str] = []


async def record_events(ctx: Any, events: AsyncIterator[Any]) -> None:
    async for event in events:
        events_seen.append(type(event).__name__)


def streamed(counts: Counts, calls: Callable[[int], list[ToolCallPart]]) -> FunctionModel:
    """``two_turns``, streamed: the tool calls as delta maps, the answer in two text deltas."""
    plain = two_turns(counts, calls)

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        response = plain.function(messages, info)  # type: ignore[misc]
        for part in response.parts:
            if isinstance(part, ToolCallPart):
                yield {0: DeltaToolCall(part.tool_name, json.dumps(part.args), tool_call_id=part.tool_call_id)}
            else:
                yield part.content[:4]
                yield part.content[4:]

    return FunctionModel(plain.function, stream_function=stream)


streaming = DBOSAgent(
    Agent(streamed(Counts(), lambda t: [ToolCallPart("add", {"a": t, "b": t}, tool_call_id=f"e{t}")]), tools=[add]),
    name="streaming",
    event_stream_handler=record_events,
)

mcp_agent = Agent(
    two_turns(Counts(), lambda t: [ToolCallPart("add", {"a": t, "b": 10}, tool_call_id=f"m{t}")]),
    name="mcp_user",
    toolsets=[MCPToolset(BASIC_MCP, id="basic")],
    capabilities=[DBOSDurability()],
)


@DBOS.workflow(name="test.mcp")
def mcp_workflow(prompt: str) -> str:
    return mcp_agent.run_sync(prompt).output


# -- helpers ----------------------------------------------------------------------------------------------


def config(tmp_path: Path) -> Any:
    return {"name": "trio-agent-tests", "system_database_url": f"sqlite:///{tmp_path / 'dbos.sqlite'}"}


async def in_workflow(workflow: Callable[..., Any], workflow_id: str, *args: Any) -> Any:
    def call() -> Any:
        with SetWorkflowID(workflow_id):
            return workflow(*args)

    return await trio.to_thread.run_sync(call)


async def step_names(workflow_id: str) -> list[str]:
    steps = await trio.to_thread.run_sync(DBOS.list_workflow_steps, workflow_id)
    return [step["function_name"] for step in steps]


async def status(workflow_id: str) -> str | None:
    found = await trio.to_thread.run_sync(DBOS.get_workflow_status, workflow_id)
    return found.status if found is not None else None


# -- tests ------------------------------------------------------------------------------------------------


async def test_outside_a_workflow_the_capability_changes_nothing() -> None:
    before = plain_counts.model
    result = await plain.run("add things")
    assert result.output == "done after 5 messages"
    assert plain_counts.model - before == 3
    assert [type(m).__name__ for m in result.all_messages()] == ["ModelRequest", "ModelResponse"] * 3


async def test_in_a_workflow_each_model_request_and_tool_call_is_a_step_and_replays(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        model_before, tools_before = plain_counts.model, len(plain_counts.tools)
        output = await in_workflow(capable_workflow, "capable-1", "add things")
        assert output == "done after 5 messages"
        assert await step_names("capable-1") == [
            "capable.model_request",
            "capable.tool.add",
            "capable.model_request",
            "capable.tool.add",
            "capable.model_request",
        ]
        assert plain_counts.model - model_before == 3
        assert plain_counts.tools[tools_before:] == ["add(0,1)", "add(1,1)"]
        # The same workflow again: its recorded outcome, nothing done twice.
        assert await in_workflow(capable_workflow, "capable-1", "add things") == output
        assert plain_counts.model - model_before == 3
        assert len(plain_counts.tools) - tools_before == 2


async def test_concurrent_tool_calls_are_recorded_in_the_models_order(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        for n in range(3):
            parallel_counts.most_running = 0
            parallel_counts.tools.clear()
            result = await durable_parallel.run("fan out", workflow_id=f"fanout-{n}")
            assert result.output == "done after 5 messages"
            assert parallel_counts.most_running == 3  # the calls did run concurrently
            assert parallel_counts.tools[:3] == ["0-2", "0-1", "0-0"]  # ... and finished in reverse
            names = await step_names(f"fanout-{n}")
            steps = await trio.to_thread.run_sync(DBOS.list_workflow_steps, f"fanout-{n}")
            assert names == ["fanout.model_request", *["fanout.tool.wait"] * 3] * 2 + ["fanout.model_request"]
            assert [s["output"] for s in steps if s["function_name"] == "fanout.tool.wait"] == [
                "0-0",
                "0-1",
                "0-2",
                "1-0",
                "1-1",
                "1-2",
            ]


async def test_sequential_mode_runs_one_call_at_a_time_in_the_models_order(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        parallel_counts.most_running = 0
        parallel_counts.tools.clear()
        result = await durable_sequential.run("one by one", workflow_id="onebyone-1")
    assert result.output == "done after 5 messages"
    assert parallel_counts.most_running == 1
    assert parallel_counts.tools == ["0-0", "0-1", "0-2", "1-0", "1-1", "1-2"]


async def test_a_cancelled_durable_run_is_recorded_cancelled_and_not_resumed(tmp_path: Path) -> None:
    slow_started.clear()
    async with open_dbos(config(tmp_path)):
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(partial(durable_slow.run, "stall", workflow_id="stalling-1"))
                await trio.to_thread.run_sync(slow_started.wait)
                scope.cancel()
        assert scope.cancelled_caught
        assert await status("stalling-1") == "CANCELLED"
        pending = await trio.to_thread.run_sync(lambda: DBOS.list_workflows(status="PENDING"))
        assert pending == []
    async with open_dbos(config(tmp_path)):  # a relaunch recovers what is pending: not this one
        assert await status("stalling-1") == "CANCELLED"
    assert slow_counts.tools == ["stall"]


async def test_run_cancel_inside_a_workflow_records_it_cancelled(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        with pytest.raises(dbos_error.DBOSAwaitedWorkflowCancelledError):  # (what DBOS raises for a cancelled workflow)
            await in_workflow(iterated_workflow, "iterated-1", "go")
        assert await status("iterated-1") == "CANCELLED"
        assert iterated_errors == ["RunCancelled: The run was cancelled: the user changed their mind"]


async def test_inputs_that_cannot_cross_into_a_workflow_are_refused_naming_them(tmp_path: Path) -> None:
    send, _ = trio.open_memory_channel[Any](1)
    with pytest.raises(UserError, match=r"`deps` \(a 'lock'\) cannot be stored by DBOS"):
        await durable_parallel.run("x", deps=threading.Lock())
    with pytest.raises(UserError, match="`event_channel` cannot be passed to a DBOS workflow"):
        await durable_parallel.run("x", event_channel=send)
    with pytest.raises(UserError, match="takes its `model` by name"):
        await durable_parallel.run("x", model=FunctionModel(lambda m, i: ModelResponse(parts=[])))
    with pytest.raises(UserError, match="A `DBOSAgent` named `fanout` already exists"):
        DBOSAgent(parallel)
    async with open_dbos(config(tmp_path)):
        with pytest.raises(UserError, match="DBOS is already open in this process"):
            async with open_dbos(config(tmp_path)):
                pass
        assert await status("nothing-ran") is None  # the first is still open and answers
    with pytest.raises(UserError, match="needs a name"):
        DBOSAgent(Agent(FunctionModel(lambda m, i: ModelResponse(parts=[]))))
    with pytest.raises(UserError, match="inside a running trio loop"):
        durable_parallel.run_sync("x")


async def test_a_tool_result_dbos_cannot_store_fails_the_run_naming_the_tool(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        with pytest.raises(UserError, match=r"The result of tool `handle` \(a 'lock'\) cannot be stored by DBOS"):
            await durable_unstorable.run("store this", workflow_id="unstorable-1")
        assert await status("unstorable-1") == "ERROR"


async def test_model_step_config_retries_a_failed_request_inside_one_step(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        result = await durable_flaky.run("hello", workflow_id="flaky-1")
        assert result.output == "answered on the second attempt"
        assert flaky_counts.model == 2
        assert await step_names("flaky-1") == ["flaky.model_request"]


async def test_a_tools_model_retry_is_recorded_and_replayed(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        first = await durable_retrying.run("be picky", workflow_id="retrying-1")
        calls = list(retry_counts.tools)
        steps = await trio.to_thread.run_sync(DBOS.list_workflow_steps, "retrying-1")
        errors = [s["error"] for s in steps if s["function_name"] == "retrying.tool.picky"]
        assert isinstance(errors[0], ModelRetry)  # the retry is the step's recorded outcome
        again = await durable_retrying.run("be picky", workflow_id="retrying-1")
    assert calls == ["picky(0)", "picky(1)"]  # (the retry prompt made the model call it again, in turn 1)
    assert retry_counts.tools == calls  # nothing ran again
    assert again.output == first.output == "done after 5 messages"


async def test_the_event_stream_handler_sees_each_steps_events_once(tmp_path: Path) -> None:
    events_seen.clear()
    async with open_dbos(config(tmp_path)):
        result = await streaming.run("stream", workflow_id="streaming-1")
        assert result.output == "done after 5 messages"
        assert events_seen.count("FunctionToolCallEvent") == 2
        assert events_seen.count("FinalResultEvent") == 1
        seen = len(events_seen)
        await streaming.run("stream", workflow_id="streaming-1")  # the recorded outcome: no step runs again
        assert len(events_seen) == seen


async def test_mcp_listing_and_calls_are_steps(tmp_path: Path) -> None:
    async with open_dbos(config(tmp_path)):
        output = await in_workflow(mcp_workflow, "mcp-1", "use the server")
        assert output == "done after 5 messages"
        assert await step_names("mcp-1") == [
            "mcp_user.mcp.basic.list_tools",
            "mcp_user.model_request",
            "mcp_user.mcp.add",
            "mcp_user.mcp.basic.list_tools",
            "mcp_user.model_request",
            "mcp_user.mcp.add",
            "mcp_user.mcp.basic.list_tools",
            "mcp_user.model_request",
        ]
        steps = await trio.to_thread.run_sync(DBOS.list_workflow_steps, "mcp-1")
        assert [s["output"] for s in steps if s["function_name"] == "mcp_user.mcp.add"] == [10, 11]
