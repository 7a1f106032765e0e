"""``RunSnapshot``: a run's committed state as data, taken between steps and resumed by a fresh run.

The central property: resuming from *any* commit point (every snapshot ``on_snapshot`` delivers), after a
round trip through JSON and on a freshly built agent, ends exactly as the uninterrupted run did (same output,
same messages, same usage, same ids), and makes exactly the model and tool calls the uninterrupted run made
after that point: none is lost, none is made twice.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from snapshot_resume_helper import build_agent as build_fresh_process_agent
from trio_agent import Agent, End, ModelRetry, RunContext, UserError
from trio_agent.durable import SNAPSHOT_VERSION, RunSnapshot
from trio_agent.messages import (
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.tools import DeferredToolResults
from trio_agent.usage import RunUsage

HELPER = Path(__file__).with_name("snapshot_resume_helper.py")


# -- comparing runs ------------------------------------------------------------------------------------------


def _strip_timestamps(value: Any, keys: tuple[str, ...] = ("timestamp",)) -> Any:
    if isinstance(value, dict):
        return {k: _strip_timestamps(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip_timestamps(v, keys) for v in value]
    return value


def norm(messages: list[ModelMessage], *, ids: bool = True) -> Any:
    """Messages as JSON-able data without their timestamps (the only thing a resumed run may change); without
    their run and conversation ids too if not ``ids`` (to compare two separate runs)."""
    keys = ("timestamp",) if ids else ("timestamp", "run_id", "conversation_id")
    return _strip_timestamps(ModelMessagesTypeAdapter.dump_python(messages, mode="json"), keys)


def norm_snapshot(snapshot: RunSnapshot) -> Any:
    """A snapshot as JSON-able data without timestamps, and without enqueue ids (a tool that a resumed run runs
    again enqueues its content again, under a new id)."""
    return _strip_timestamps(json.loads(snapshot.to_json()), ("timestamp", "enqueue_id"))


def usage_fields(usage: RunUsage) -> dict[str, Any]:
    return dataclasses.asdict(usage)


def same_calls(made: list[str], expected: list[str]) -> bool:
    """The same model calls in the same order, and the same tool calls (parallel calls run in any order)."""
    models = [c for c in made if c.startswith("model")], [c for c in expected if c.startswith("model")]
    return models[0] == models[1] and Counter(made) == Counter(expected)


def user_texts(messages: list[ModelMessage]) -> list[str]:
    return [str(p.content) for m in messages for p in m.parts if isinstance(p, UserPromptPart)]


class Answer(BaseModel):
    value: int
    label: str


# -- the scripted runs of the property ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Script:
    """What the model does: one list of tool calls per turn, then a final answer (text, or ``Answer`` through
    the output tool). The model decides by the number of responses in the history it is sent, so a resumed
    run's fresh model continues the script where the snapshot left it."""

    turns: tuple[tuple[tuple[str, dict[str, Any]], ...], ...]
    structured: bool
    start_enqueue: str | None
    """Priority of content ``run.enqueue`` adds before the first step (``None``: none)."""
    drive_with_iter: bool


class Log:
    """Every model call and tool call one agent made (shared by its model and tools)."""

    def __init__(self) -> None:
        self.model: list[int] = []
        self.tools: list[tuple[str, str]] = []


def scripted_agent(script: Script, log: Log) -> Agent[None, Any]:
    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        turn = sum(isinstance(m, ModelResponse) for m in messages)
        log.model.append(turn)
        if turn < len(script.turns):
            return ModelResponse(
                parts=[
                    ToolCallPart(name, args, f"call-{turn}-{index}")
                    for index, (name, args) in enumerate(script.turns[turn])
                ]
            )
        if script.structured:
            [output_tool] = info.output_tools
            return ModelResponse(parts=[ToolCallPart(output_tool.name, {"value": turn, "label": "end"}, f"out-{turn}")])
        return ModelResponse(parts=[TextPart(f"final after {turn} responses")])

    agent: Agent[None, Any] = Agent(
        FunctionModel(respond, model_name="scripted"),
        output_type=Answer if script.structured else str,
        name="scripted",  # (not inferred from a variable: the resumed run's snapshots must name it the same)
    )

    @agent.tool_plain
    def add(a: int, b: int) -> int:  # a sync tool: it runs in a worker thread
        log.tools.append(("add", f"{a},{b}"))
        return a + b

    @agent.tool
    async def echo(ctx: RunContext[None], text: str) -> str:
        log.tools.append(("echo", f"{ctx.tool_call_id}:{text}"))
        return text * 2

    @agent.tool
    async def flaky(ctx: RunContext[None], turn: int) -> str:
        """Asks for a retry the first time (``ctx.retry`` comes from the run's committed retry counters)."""
        log.tools.append(("flaky", f"{turn}:{ctx.retry}"))
        if ctx.retry == 0:
            raise ModelRetry(f"try flaky {turn} again")
        return f"flaky {turn} ok after {ctx.retry}"

    @agent.tool
    async def note(ctx: RunContext[None], text: str, priority: str) -> str:
        log.tools.append(("note", f"{text}:{priority}"))
        ctx.enqueue(f"note {text}", priority=priority)  # type: ignore[arg-type]
        return "noted"

    return agent


_plain_calls = st.one_of(
    st.builds(lambda a, b: ("add", {"a": a, "b": b}), st.integers(-3, 3), st.integers(-3, 3)),
    st.builds(lambda text: ("echo", {"text": text}), st.text("xyz", max_size=3)),
)


@st.composite
def scripts(draw: st.DrawFn, priorities: tuple[str, ...]) -> Script:
    n = draw(st.integers(1, 4))
    turns = [draw(st.lists(_plain_calls, min_size=1, max_size=3)) for _ in range(n)]
    for index, turn in enumerate(turns):
        # at most one enqueueing call per turn: parallel calls run concurrently, so the order in which two of
        # them enqueue (and so the order their content is delivered in) is not deterministic, resumed or not
        priority = draw(st.none() | st.sampled_from(priorities))
        if priority is not None:
            position = draw(st.integers(0, len(turn)))
            turn.insert(position, ("note", {"text": f"n{index}", "priority": priority}))
            if len(turn) > 3:
                turn.pop(-1 if position < len(turn) - 1 else 0)
    retry_turn = draw(st.none() | st.integers(0, n - 1))
    if retry_turn is not None:  # flaky asks for a retry once; the model calls it again in the next turn
        turns[retry_turn].append(("flaky", {"turn": retry_turn}))
        if retry_turn + 1 < n:
            turns[retry_turn + 1].insert(0, ("flaky", {"turn": retry_turn}))
    start_enqueue = draw(st.none() | st.sampled_from(priorities))
    return Script(
        turns=tuple(tuple(turn) for turn in turns),
        structured=draw(st.booleans()),
        start_enqueue=start_enqueue,
        drive_with_iter=start_enqueue is not None or draw(st.booleans()),
    )


@dataclasses.dataclass
class Checkpoint:
    json: bytes
    model_calls: int
    tool_calls: int


async def run_uninterrupted(script: Script) -> tuple[Any, Log, list[Checkpoint]]:
    """The run without interruption; a checkpoint (the snapshot's JSON and the calls made so far) at every
    commit ``on_snapshot`` reports."""
    log = Log()
    agent = scripted_agent(script, log)
    checkpoints: list[Checkpoint] = []

    def on_snapshot(snapshot: RunSnapshot) -> None:
        checkpoints.append(Checkpoint(snapshot.to_json(), len(log.model), len(log.tools)))

    if not script.drive_with_iter:
        return await agent.run("go", on_snapshot=on_snapshot), log, checkpoints
    async with agent.iter("go", on_snapshot=on_snapshot) as run:
        if script.start_enqueue is not None:
            run.enqueue("from outside", priority=script.start_enqueue)  # type: ignore[arg-type]
        node = run.next_node
        while not isinstance(node, End):
            node = await run.next(node)
    assert run.result is not None
    return run.result, log, checkpoints


def check_resumes_from_every_commit_point(script: Script) -> None:
    async def main() -> None:
        expected, log, checkpoints = await run_uninterrupted(script)
        assert checkpoints, "on_snapshot reports at least the commit of the first step"
        assert all(c.model_calls <= len(log.model) for c in checkpoints)
        for index, checkpoint in enumerate(checkpoints):
            snapshot = RunSnapshot.from_json(checkpoint.json)
            assert snapshot.to_json() == checkpoint.json  # the JSON round trip loses nothing
            resumed_log = Log()
            later: list[RunSnapshot] = []
            result = await scripted_agent(script, resumed_log).run(resume_from=snapshot, on_snapshot=later.append)
            assert result.output == expected.output, index
            assert norm(result.all_messages()) == norm(expected.all_messages()), index
            assert norm(result.new_messages()) == norm(expected.new_messages()), index
            assert (result.run_id, result.conversation_id) == (expected.run_id, expected.conversation_id)
            assert usage_fields(result.usage()) == usage_fields(expected.usage()), index
            # exactly the calls the uninterrupted run made after this point: none lost, none made twice
            assert resumed_log.model == log.model[checkpoint.model_calls :], index
            assert checkpoint.model_calls + len(resumed_log.model) == len(log.model)
            assert Counter(resumed_log.tools) == Counter(log.tools[checkpoint.tool_calls :]), index
            assert checkpoint.tool_calls + len(resumed_log.tools) == len(log.tools)
            # and the resumed run passes through the same commit points as the uninterrupted one
            assert [norm_snapshot(s) for s in later] == [
                norm_snapshot(RunSnapshot.from_json(c.json)) for c in checkpoints[index + 1 :]
            ], index

    trio.run(main)


# 'when_idle' content makes the committing driver redirect a run that would end (`delivery.redirect`): the
# delivered content is announced by the next request, so a snapshot taken then holds the announcement too.
@pytest.mark.parametrize("priorities", [("asap",), ("asap", "when_idle")], ids=["asap", "asap-and-when_idle"])
def test_resuming_from_every_commit_point_repeats_nothing_and_loses_nothing(priorities: tuple[str, ...]) -> None:
    @settings(max_examples=25, deadline=None)
    @given(scripts(priorities))
    def check(script: Script) -> None:
        check_resumes_from_every_commit_point(script)

    check()


def test_resuming_a_run_with_a_retry_turn_keeps_the_retry_counter() -> None:
    """A fixed example of the property: flaky asks for a retry in turn 0 and succeeds in turn 1 only because
    the resumed run restored its retry counter (a fresh counter would ask for a retry a second time)."""
    script = Script(
        turns=((("add", {"a": 1, "b": 2}), ("flaky", {"turn": 0})), (("flaky", {"turn": 0}), ("echo", {"text": "x"}))),
        structured=True,
        start_enqueue=None,
        drive_with_iter=False,
    )
    check_resumes_from_every_commit_point(script)

    async def retries_recorded() -> list[dict[str, int]]:
        seen: list[dict[str, int]] = []
        await scripted_agent(script, Log()).run("go", on_snapshot=lambda s: seen.append(dict(s.tool_retries)))
        return seen

    assert {"flaky": 1} in trio.run(retries_recorded)


# -- a fresh process ----------------------------------------------------------------------------------------


async def test_a_snapshot_resumes_in_a_fresh_process(tmp_path: Path) -> None:
    log: list[Any] = []
    snapshots: list[RunSnapshot] = []
    expected = await build_fresh_process_agent(log).run("go", on_snapshot=snapshots.append)
    # the commit after the second tool batch: a model request is next, and an enqueued note is pending
    mid = [s for s in snapshots if s.next_node.kind == "model_request" and s.usage.requests == 2]
    assert len(mid) == 1
    assert [p.priority for p in mid[0].pending] == ["asap"]
    before = mid[0].usage
    path = tmp_path / "snapshot.json"
    path.write_bytes(mid[0].to_json())

    done = await trio.run_process([sys.executable, str(HELPER), str(path)], capture_stdout=True, capture_stderr=True)
    [resumed] = [json.loads(line) for line in done.stdout.splitlines()]

    assert resumed["output"] == expected.output.model_dump()
    assert resumed["output"] == {"total": 3, "words": ["W0", "W1", "W2"]}
    assert _strip_timestamps(resumed["messages"]) == norm(expected.all_messages())
    assert (resumed["run_id"], resumed["conversation_id"]) == (expected.run_id, expected.conversation_id)
    assert resumed["usage"] == usage_fields(expected.usage())
    # the fresh process made only the calls left after the snapshot: two model calls, the third tool batch
    assert resumed["model_calls"] == 2 == log.count("model") - before.requests
    assert sorted(map(tuple, resumed["tool_calls"])) == [("add", 2, 10), ("word", "w2")]
    assert "noted w1" in user_texts(expected.all_messages())


async def test_every_commit_point_resumes_in_a_fresh_process(tmp_path: Path) -> None:
    log: list[Any] = []
    snapshots: list[RunSnapshot] = []
    expected = await build_fresh_process_agent(log).run("go", on_snapshot=snapshots.append)
    model_calls, tool_calls = log.count("model"), len(log) - log.count("model")
    paths = []
    for index, snapshot in enumerate(snapshots):
        paths.append(tmp_path / f"snapshot-{index}.json")
        paths[-1].write_bytes(snapshot.to_json())

    command = [sys.executable, str(HELPER), *map(str, paths)]
    done = await trio.run_process(command, capture_stdout=True, capture_stderr=True)
    resumed = [json.loads(line) for line in done.stdout.splitlines()]

    assert len(resumed) == len(snapshots) == 8  # every commit that did not end the run
    for snapshot, report in zip(snapshots, resumed, strict=True):
        assert report["output"] == expected.output.model_dump()
        assert _strip_timestamps(report["messages"]) == norm(expected.all_messages())
        assert (report["run_id"], report["conversation_id"]) == (expected.run_id, expected.conversation_id)
        # each fresh process made only the calls left after its snapshot: none made twice, none lost
        assert report["model_calls"] == model_calls - snapshot.usage.requests
        assert len(report["tool_calls"]) == tool_calls - snapshot.usage.tool_calls


# -- iter: snapshot between steps, resume node by node -----------------------------------------------------


def iter_agent(log: list[str]) -> Agent[None, str]:
    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        turn = sum(isinstance(m, ModelResponse) and m.model_name != "earlier" for m in messages)
        log.append(f"model {turn}")
        if turn < 2:
            return ModelResponse(
                parts=[ToolCallPart("double", {"x": turn + 1}, f"d{turn}"), ToolCallPart("tag", {"t": "t"}, f"g{turn}")]
            )
        return ModelResponse(parts=[TextPart(f"done: {len(messages)} messages")])

    agent = Agent(FunctionModel(respond, model_name="iter"), name="iterated")

    @agent.tool_plain
    async def double(x: int) -> int:
        log.append(f"double {x}")
        return 2 * x

    @agent.tool_plain
    async def tag(t: str) -> str:
        log.append(f"tag {t}")
        return f"<{t}>"

    return agent


async def test_iter_snapshots_resume_node_by_node_keeping_ids_and_usage() -> None:
    log: list[str] = []
    history = [
        ModelRequest(parts=[UserPromptPart("before")]),
        ModelResponse(parts=[TextPart("earlier")], model_name="earlier", conversation_id="conv-1"),
    ]
    snapshots: list[RunSnapshot] = []
    kinds: list[str] = []
    async with iter_agent(log).iter("go", message_history=history, metadata={"tenant": "t1"}) as run:
        snapshots.append(run.snapshot())
        node = run.next_node
        while not isinstance(node, End):
            node = await run.next(node)
            kinds.append(type(node).__name__)
            if not isinstance(node, End):
                snapshots.append(run.snapshot())
    expected = run.result
    assert expected is not None
    assert run.conversation_id == "conv-1"
    assert [s.next_node.kind for s in snapshots] == [
        "user_prompt",
        "model_request",
        "call_tools",
        "model_request",
        "call_tools",
        "model_request",
        "call_tools",
    ]
    assert all(s.metadata == {"tenant": "t1"} and s.agent.name == "iterated" for s in snapshots)
    calls_before = [0, 0, 1, 3, 4, 6, 7]  # model and tool calls made when each snapshot was taken

    for index, snapshot in enumerate(snapshots):
        resumed_log: list[str] = []
        restored = RunSnapshot.from_json(snapshot.to_json())
        async with iter_agent(resumed_log).iter(resume_from=restored) as resumed:
            assert (resumed.run_id, resumed.conversation_id) == (run.run_id, "conv-1")
            assert resumed.metadata == {"tenant": "t1"}
            assert usage_fields(resumed.usage()) == usage_fields(snapshot.usage)  # it continues from there
            node = resumed.next_node
            seen: list[str] = []
            taken: list[RunSnapshot] = []
            while not isinstance(node, End):
                requests = resumed.usage().requests
                was_model_request = type(node).__name__ == "ModelRequestNode"
                node = await resumed.next(node)
                assert resumed.usage().requests == requests + was_model_request
                seen.append(type(node).__name__)
                if not isinstance(node, End):
                    taken.append(resumed.snapshot())
        assert resumed.result is not None
        assert resumed.result.output == expected.output
        assert norm(resumed.result.all_messages()) == norm(expected.all_messages())
        assert norm(resumed.result.new_messages()) == norm(expected.new_messages())
        assert usage_fields(resumed.usage()) == usage_fields(expected.usage())
        # what the resumed run adds to the snapshot's usage is exactly the usage of the responses it received
        added = [m for m in resumed.result.all_messages()[len(snapshot.messages) :] if isinstance(m, ModelResponse)]
        final = resumed.usage()
        assert final.requests == snapshot.usage.requests + len(added)
        assert final.input_tokens == snapshot.usage.input_tokens + sum(m.usage.input_tokens for m in added)
        assert final.output_tokens == snapshot.usage.output_tokens + sum(m.usage.output_tokens for m in added)
        assert final.tool_calls == snapshot.usage.tool_calls + sum(c.startswith(("double", "tag")) for c in resumed_log)
        assert seen == kinds[index:]  # snapshot i was taken after step i: the steps after it, once each
        assert [norm_snapshot(s) for s in taken] == [norm_snapshot(s) for s in snapshots[index + 1 :]]
        assert same_calls(resumed_log, log[calls_before[index] :])


async def test_a_snapshot_taken_before_the_first_step_resumes_like_a_new_run() -> None:
    log: list[str] = []
    async with iter_agent(log).iter("go", conversation_id="conv-0", metadata={"m": 1}) as run:
        first = run.snapshot()
        async for _ in run:
            pass
    assert first.next_node.kind == "user_prompt"
    assert first.messages == []
    assert first.usage.requests == 0
    assert first.user_prompt == "go"

    resumed_log: list[str] = []
    result = await iter_agent(resumed_log).run(resume_from=RunSnapshot.from_json(first.to_json()))
    assert run.result is not None
    assert result.output == run.result.output
    assert norm(result.all_messages()) == norm(run.result.all_messages())
    assert (result.run_id, result.conversation_id, result.metadata) == (run.run_id, "conv-0", {"m": 1})
    assert same_calls(resumed_log, log)


# Content enqueued before the first step is in the snapshot's `pending`, and a run resumed from a snapshot taken
# before its first step delivers it.
async def test_a_snapshot_taken_before_the_first_step_keeps_enqueued_content() -> None:
    seen: list[list[str]] = []

    def agent() -> Agent[None, str]:
        async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            seen.append(user_texts(messages))
            return ModelResponse(parts=[TextPart("ok")])

        return Agent(FunctionModel(respond))

    async with agent().iter("go") as run:
        run.enqueue("also this")
        snapshot = run.snapshot()
        async for _ in run:
            pass
    assert [p.priority for p in snapshot.pending] == ["asap"]
    assert seen == [["go", "also this"]]

    result = await agent().run(resume_from=RunSnapshot.from_json(snapshot.to_json()))
    assert seen[1] == ["go", "also this"]
    assert run.result is not None
    assert norm(result.all_messages()) == norm(run.result.all_messages())


async def test_pending_content_keeps_its_enqueue_id_and_priority() -> None:
    seen: list[list[str]] = []
    async with iter_agent([]).iter("go") as run:
        await run.next(run.next_node)
        await run.next(run.next_node)
        await run.next(run.next_node)  # tools ran: a model request is next
        soon = run.enqueue("soon")
        idle = run.enqueue("when idle", priority="when_idle")
        snapshot = run.snapshot()
        async for _ in run:
            pass
    assert [(p.enqueue_id, p.priority) for p in snapshot.pending] == [(soon, "asap"), (idle, "when_idle")]
    async with iter_agent([]).iter(resume_from=RunSnapshot.from_json(snapshot.to_json())) as resumed:
        assert [(p.enqueue_id, p.priority) for p in resumed.pending_messages] == [(soon, "asap"), (idle, "when_idle")]
        async for _ in resumed:
            seen.append(user_texts(resumed.all_messages()))
    assert run.result is not None
    assert resumed.result is not None
    assert user_texts(resumed.result.all_messages()) == ["go", "soon", "when idle"]
    assert norm(resumed.result.all_messages()) == norm(run.result.all_messages())


def test_run_sync_resumes_a_snapshot() -> None:
    log: list[str] = []
    snapshots: list[RunSnapshot] = []
    expected = iter_agent(log).run_sync("go", on_snapshot=snapshots.append)
    middle = snapshots[len(snapshots) // 2]
    resumed_log: list[str] = []
    result = iter_agent(resumed_log).run_sync(resume_from=RunSnapshot.from_json(middle.to_json()))
    assert result.output == expected.output
    assert norm(result.all_messages()) == norm(expected.all_messages())
    assert result.run_id == expected.run_id
    assert len(resumed_log) < len(log)
    assert Counter(resumed_log) + Counter(log[: len(log) - len(resumed_log)]) == Counter(log)


# -- on_snapshot: awaited, and a checkpoint ------------------------------------------------------------------


async def test_an_async_on_snapshot_is_awaited_before_the_run_goes_on(autojump_clock: Any) -> None:
    events: list[tuple[float, str]] = []

    def agent() -> Agent[None, str]:
        async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            turn = sum(isinstance(m, ModelResponse) for m in messages)
            events.append((trio.current_time(), f"model {turn}"))
            if turn == 0:
                return ModelResponse(parts=[ToolCallPart("wait", {}, "w")])
            return ModelResponse(parts=[TextPart("finished")])

        a = Agent(FunctionModel(respond))

        @a.tool_plain
        async def wait() -> str:
            events.append((trio.current_time(), "tool"))
            return "waited"

        return a

    store: list[bytes] = []

    async def checkpoint(snapshot: RunSnapshot) -> None:
        await trio.sleep(1)  # writing it somewhere slow: the run must wait for it
        store.append(snapshot.to_json())
        events.append((trio.current_time(), f"checkpoint {snapshot.next_node.kind}"))

    start = trio.current_time()
    result = await agent().run("go", on_snapshot=checkpoint)
    assert result.output == "finished"
    assert [(round(t - start), what) for t, what in events] == [
        (1, "checkpoint model_request"),
        (1, "model 0"),
        (2, "checkpoint call_tools"),
        (2, "tool"),
        (3, "checkpoint model_request"),
        (3, "model 1"),
        (4, "checkpoint call_tools"),
    ]
    # every stored checkpoint resumes to the same end
    for stored in store:
        resumed = await agent().run(resume_from=RunSnapshot.from_json(stored))
        assert resumed.output == "finished"
        assert norm(resumed.all_messages()) == norm(result.all_messages())


async def test_on_snapshot_with_iter_is_called_after_each_step_but_not_the_last() -> None:
    reported: list[str] = []
    async with iter_agent([]).iter("go", on_snapshot=lambda s: reported.append(s.next_node.kind)) as run:
        steps = 0
        async for _ in run:
            steps += 1
    assert run.result is not None
    # nodes yielded: UserPrompt, then 6 more steps up to End (7 steps run, the last one ends the run)
    assert reported == ["model_request", "call_tools"] * 3
    assert steps == 8


# The minimal case of a snapshot taken right after an end-of-run redirect (its announcement is pending).
async def test_on_snapshot_after_an_end_of_run_redirect() -> None:
    def agent() -> Agent[None, str]:
        async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            turn = sum(isinstance(m, ModelResponse) for m in messages)
            if turn == 0:
                return ModelResponse(parts=[ToolCallPart("later", {}, "l")])
            return ModelResponse(parts=[TextPart(f"answer {turn}")])

        a = Agent(FunctionModel(respond))

        @a.tool
        async def later(ctx: RunContext[None]) -> str:
            ctx.enqueue("and one more thing", priority="when_idle")
            return "queued"

        return a

    plain = await agent().run("go")
    assert plain.output == "answer 2"  # the run continued with the 'when_idle' content

    snapshots: list[RunSnapshot] = []
    result = await agent().run("go", on_snapshot=snapshots.append)
    assert result.output == "answer 2"
    assert norm(result.all_messages(), ids=False) == norm(plain.all_messages(), ids=False)
    assert user_texts(result.all_messages()) == ["go", "and one more thing"]
    for snapshot in snapshots:
        resumed = await agent().run(resume_from=RunSnapshot.from_json(snapshot.to_json()))
        assert norm(resumed.all_messages()) == norm(result.all_messages())


# -- refusals ------------------------------------------------------------------------------------------------


class Out(BaseModel):
    n: int


def tooled_agent(variant: str = "same", output_type: Any = str) -> Agent[None, Any]:
    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        turn = sum(isinstance(m, ModelResponse) for m in messages)
        if turn == 0:
            return ModelResponse(parts=[ToolCallPart("alpha", {"x": 1}, "a")])
        if info.output_tools:
            return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"n": 1}, "o")])
        return ModelResponse(parts=[TextPart("done")])

    agent: Agent[None, Any] = Agent(FunctionModel(respond), output_type=output_type, name="tooled")

    @agent.tool_plain
    def alpha(x: int) -> int:
        return x

    if variant != "missing":
        if variant == "changed":

            @agent.tool_plain
            def beta(y: int, z: str) -> str:  # same name, other parameters
                return z

        else:

            @agent.tool_plain
            def beta(y: int) -> int:
                return y

    if variant == "extra":

        @agent.tool_plain
        def gamma() -> str:
            return "g"

    return agent


async def mid_run_snapshot(agent: Agent[None, Any]) -> RunSnapshot:
    async with agent.iter("go") as run:
        await run.next(run.next_node)
        return run.snapshot()


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("missing", "tools it lacks: ['beta']"),
        ("extra", "tools the snapshot's agent did not have: ['gamma']"),
        ("changed", "tools whose parameters changed: ['beta']"),
    ],
)
async def test_an_agent_with_other_tools_is_refused(variant: str, expected: str) -> None:
    snapshot = await mid_run_snapshot(tooled_agent())
    with pytest.raises(UserError, match="Cannot resume run") as raised:
        await tooled_agent(variant).run(resume_from=snapshot)
    message = str(raised.value)
    assert expected in message
    assert snapshot.run_id in message
    assert "`tooled`" in message
    with pytest.raises(UserError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        async with tooled_agent(variant).iter(resume_from=snapshot):
            pass


@pytest.mark.parametrize(
    ("taken_with", "resumed_with"),
    [(str, Out), (Out, str), (Out, Answer)],
    ids=["text-then-model", "model-then-text", "model-then-other-model"],
)
async def test_an_agent_with_another_output_type_is_refused(taken_with: Any, resumed_with: Any) -> None:
    snapshot = await mid_run_snapshot(tooled_agent(output_type=taken_with))
    with pytest.raises(UserError, match=r"a different output type"):
        await tooled_agent(output_type=resumed_with).run(resume_from=snapshot)
    # the run's own output_type counts too: overriding it at resume time is refused the same way
    with pytest.raises(UserError, match=r"a different output type"):
        await tooled_agent(output_type=taken_with).run(resume_from=snapshot, output_type=resumed_with)
    # and the same agent resumes it
    result = await tooled_agent(output_type=taken_with).run(resume_from=snapshot)
    assert result.output == ("done" if taken_with is str else Out(n=1))


async def test_a_snapshot_of_another_version_is_refused() -> None:
    snapshot = await mid_run_snapshot(tooled_agent())
    data = json.loads(snapshot.to_json())
    assert data["version"] == SNAPSHOT_VERSION
    data["version"] = SNAPSHOT_VERSION + 1
    with pytest.raises(UserError, match=rf"its `version` is {SNAPSHOT_VERSION + 1}"):
        RunSnapshot.from_json(json.dumps(data))
    del data["version"]
    with pytest.raises(UserError, match=r"its `version` is None"):
        RunSnapshot.from_json(json.dumps(data).encode())
    # one built in memory (not read from JSON) is refused when resumed
    other = snapshot.model_copy(update={"version": SNAPSHOT_VERSION + 1})
    with pytest.raises(UserError, match=rf"version {SNAPSHOT_VERSION + 1}; this release resumes version"):
        await tooled_agent().run(resume_from=other)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"not json at all", r"its `version` is None"),
        (b"\xff\xfe", r"its `version` is None"),
        (b"[1, 2]", r"its `version` is None"),
        (b"null", r"its `version` is None"),
        (b'{"version": 1}', r"does not validate"),
        (b'{"version": 1, "run_id": 5}', r"does not validate"),
    ],
)
def test_garbage_json_is_refused(data: bytes, match: str) -> None:
    with pytest.raises(UserError, match=match):
        RunSnapshot.from_json(data)


async def test_a_snapshot_with_an_unknown_field_is_refused() -> None:
    data = json.loads((await mid_run_snapshot(tooled_agent())).to_json())
    data["surprise"] = True
    with pytest.raises(UserError, match=r"(?s)does not validate.*surprise"):
        RunSnapshot.from_json(json.dumps(data))


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"user_prompt": "again"}, ["user_prompt"]),
        ({"message_history": []}, ["message_history"]),
        ({"deferred_tool_results": DeferredToolResults()}, ["deferred_tool_results"]),
        ({"usage": RunUsage()}, ["usage"]),
        ({"run_id": "other"}, ["run_id"]),
        ({"user_prompt": "again", "run_id": "other"}, ["user_prompt", "run_id"]),
    ],
)
async def test_resume_from_with_its_own_state_arguments_is_refused(extra: dict[str, Any], named: list[str]) -> None:
    snapshot = await mid_run_snapshot(tooled_agent())
    agent = tooled_agent()
    with pytest.raises(UserError, match="`resume_from` continues a run") as raised:
        await agent.run(resume_from=snapshot, **extra)
    for name in named:
        assert f"`{name}`" in str(raised.value)
    others = {"user_prompt", "message_history", "deferred_tool_results", "usage", "run_id"} - set(named)
    assert not any(f"`{name}`" in str(raised.value) for name in others)
    with pytest.raises(UserError, match="`resume_from` continues a run"):
        async with agent.iter(resume_from=snapshot, **extra):
            pass
    with pytest.raises(UserError, match="`resume_from` continues a run"):
        await trio.to_thread.run_sync(lambda: agent.run_sync(resume_from=snapshot, **extra))


async def test_an_ended_run_cannot_be_snapshotted() -> None:
    async with tooled_agent().iter("go") as run:
        async for _ in run:
            pass
        assert run.result is not None
        with pytest.raises(UserError, match="This run has ended, so there is nothing to resume"):
            run.snapshot()


async def test_a_snapshot_while_another_task_is_in_next_is_refused() -> None:
    entered, release = trio.Event(), trio.Event()

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=[ToolCallPart("slow", {}, "s")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(respond))

    @agent.tool_plain
    async def slow() -> str:
        entered.set()
        await release.wait()
        return "slow done"

    async with agent.iter("go") as run:
        await run.next(run.next_node)  # user prompt
        await run.next(run.next_node)  # model request: the tool call is next
        before = run.snapshot()
        assert before.next_node.kind == "call_tools"
        async with trio.open_nursery() as nursery:
            nursery.start_soon(run.next, run.next_node)
            await entered.wait()
            with pytest.raises(trio.BusyResourceError, match="take the snapshot between steps"):
                run.snapshot()
            release.set()
        after = run.snapshot()  # between steps again
        assert after.next_node.kind == "model_request"
        assert after.usage.tool_calls == before.usage.tool_calls + 1
        async for _ in run:
            pass
    assert run.result is not None
    assert run.result.output == "done"


def stuck_agent(calls: list[str]) -> Agent[None, str]:
    """A tool that hangs the first time it is called (in this agent), and returns the second time."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=[ToolCallPart("stuck", {}, "s")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(respond))

    @agent.tool_plain
    async def stuck() -> str:
        calls.append("stuck")
        if len(calls) == 1:
            await trio.sleep_forever()
        return "unstuck"

    return agent


async def test_a_snapshot_after_a_cancelled_step_is_the_state_before_it() -> None:
    calls: list[str] = []
    async with stuck_agent(calls).iter("go") as run:
        await run.next(run.next_node)
        await run.next(run.next_node)
        before = run.snapshot()
        with trio.move_on_after(0):
            await run.next(run.next_node)  # abandoned: the step commits nothing
        assert calls == ["stuck"]  # (the step did start)
        await trio.testing.wait_all_tasks_blocked()  # the driver has dropped the abandoned step
        assert norm_snapshot(run.snapshot()) == norm_snapshot(before)
    resumed_calls: list[str] = []
    resumed_calls.append("hung before")  # this agent's tool returns at once
    result = await stuck_agent(resumed_calls).run(resume_from=before)
    assert result.output == "done"
    assert resumed_calls == ["hung before", "stuck"]
    assert usage_fields(result.usage())["tool_calls"] == 1


# Once `run.next()` was cancelled, the abandoned step can never commit, even while the driver task is still
# unwinding it: a durable caller checkpoints a run whose step timed out right there.
async def test_a_snapshot_right_after_a_cancelled_next_is_allowed() -> None:
    calls: list[str] = []
    async with stuck_agent(calls).iter("go") as run:
        await run.next(run.next_node)
        await run.next(run.next_node)
        before = run.snapshot()
        with trio.move_on_after(0):
            await run.next(run.next_node)
        assert calls == ["stuck"]
        assert norm_snapshot(run.snapshot()) == norm_snapshot(before)


class NotJson:
    def __repr__(self) -> str:
        return "<NotJson>"


async def test_metadata_that_is_not_json_serialisable_cannot_be_snapshotted() -> None:
    metadata = {"handle": NotJson()}
    async with tooled_agent().iter("go", metadata=metadata) as run:
        await run.next(run.next_node)
        with pytest.raises(UserError, match=r"The run's `metadata` cannot be written into a snapshot"):
            run.snapshot()
    with pytest.raises(UserError, match=r"`metadata` cannot be written into a snapshot"):
        await tooled_agent().run("go", metadata=metadata, on_snapshot=lambda s: None)
    # JSON-able metadata is kept, and a resumed run has it
    snapshots: list[RunSnapshot] = []
    await tooled_agent().run("go", metadata={"user": "u", "n": [1, 2]}, on_snapshot=snapshots.append)
    assert {json.dumps(s.metadata) for s in snapshots} == {'{"user": "u", "n": [1, 2]}'}
    resumed = await tooled_agent().run(resume_from=RunSnapshot.from_json(snapshots[0].to_json()))
    assert resumed.metadata == {"user": "u", "n": [1, 2]}


# -- snapshots share nothing with runs ----------------------------------------------------------------------


async def test_a_snapshot_does_not_change_when_the_run_goes_on() -> None:
    log: list[str] = []
    reported: list[tuple[RunSnapshot, bytes]] = []
    async with iter_agent(log).iter(
        "go", metadata={"tags": ["a"]}, on_snapshot=lambda s: reported.append((s, s.to_json()))
    ) as run:
        await run.next(run.next_node)
        await run.next(run.next_node)
        taken = run.snapshot()
        frozen = taken.to_json()
        # the live run's objects are not the snapshot's: mutating the run's leaves the snapshot alone
        run.ctx.state.messages[0].parts[0].content = "changed in the run"  # type: ignore[union-attr]
        run.metadata["tags"].append("b")  # type: ignore[index]
        assert taken.to_json() == frozen
        # ... and mutating a snapshot's leaves the run alone
        other = run.snapshot()
        assert other.messages[0].parts[0].content == "changed in the run"  # type: ignore[union-attr]
        other.messages[0].parts.append(UserPromptPart("appended to the snapshot"))
        other.messages.append(ModelResponse(parts=[TextPart("appended to the snapshot")]))
        other.metadata["tags"].append("c")  # type: ignore[index]
        assert run.metadata == {"tags": ["a", "b"]}
        assert [len(m.parts) for m in run.all_messages()] == [1, 2]
        async for _ in run:
            pass
    assert run.result is not None
    assert taken.to_json() == frozen  # the run went on to its end
    assert json.loads(frozen)["messages"][0]["parts"][0]["content"] == "go"
    assert json.loads(frozen)["metadata"] == {"tags": ["a"]}
    assert len(reported) == 6
    for snapshot, at_the_time in reported:
        assert snapshot.to_json() == at_the_time


async def test_resuming_does_not_change_the_snapshot() -> None:
    snapshots: list[RunSnapshot] = []
    await iter_agent([]).run("go", on_snapshot=snapshots.append)
    for snapshot in snapshots:
        before = snapshot.to_json()
        result = await iter_agent([]).run(resume_from=snapshot)
        assert snapshot.to_json() == before
        result.all_messages()[0].parts.clear()  # the result's objects are not the snapshot's either
        assert snapshot.to_json() == before
        again = await iter_agent([]).run(resume_from=snapshot)  # a snapshot can be resumed more than once
        assert again.output == result.output
