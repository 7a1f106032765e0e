"""``enqueue``: delivery rules, coalescing, and safety from other tasks and threads."""

from __future__ import annotations

import re
import threading

import pytest
import trio
import trio.testing

from conftest import request_texts, scripted_model
from trio_agent import (
    Agent,
    AgentRun,
    CallToolsNode,
    End,
    ModelRequestNode,
    RunCancelled,
    RunContext,
    UserError,
    UserPromptNode,
)
from trio_agent._engine.enqueue import build_enqueued_messages
from trio_agent.messages import (
    ImageUrl,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel


def texts(model: FunctionModel) -> list[str]:
    """The last user text the model saw in each call."""
    seen = []
    for messages in model.calls:  # type: ignore[attr-defined]
        parts = [p for p in messages[-1].parts if isinstance(p, UserPromptPart)]
        seen.append(" | ".join(str(p.content) for p in parts))
    return seen


# -- assembling content ------------------------------------------------------------------------------


def test_adjacent_user_content_and_parts_coalesce_into_one_request() -> None:
    image = ImageUrl("https://e.x/a.png")
    system = SystemPromptPart("sys")
    [request] = build_enqueued_messages(["caption", image, system, "tail"])
    assert isinstance(request, ModelRequest)
    assert [type(p) for p in request.parts] == [UserPromptPart, SystemPromptPart, UserPromptPart]
    assert request.parts[0].content == ["caption", image]
    assert request.parts[1] is system
    assert request.parts[2].content == "tail"  # a lone string stays a string


def test_complete_messages_stay_separate() -> None:
    response = ModelResponse(parts=[ToolCallPart("t", {}, "c")])
    ret = ToolReturnPart("t", "r", "c")
    messages = build_enqueued_messages([response, ret, "follow"])
    assert messages[0] is response
    assert isinstance(messages[1], ModelRequest)
    assert messages[1].parts[0] is ret
    assert messages[1].parts[1].content == "follow"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ([ModelResponse(parts=[TextPart("x")])], "must end with a ModelRequest"),
        (["ok", 42], "argument 1 is a 'int'"),
        ([object()], "argument 0"),
    ],
)
async def test_bad_content_is_refused_at_enqueue_time(content: list, match: str) -> None:
    async with Agent(scripted_model([TextPart("x")])).iter("q") as run:
        with pytest.raises(UserError, match=match):
            run.enqueue(*content)
        assert run.pending_messages == []


async def test_bad_priority_and_empty_enqueue() -> None:
    async with Agent(scripted_model([TextPart("x")])).iter("q") as run:
        with pytest.raises(UserError, match="priority"):
            run.enqueue("x", priority="later")  # type: ignore[arg-type]
        assert run.enqueue() is None
        assert run.pending_messages == []


# -- delivery ----------------------------------------------------------------------------------------


async def test_asap_from_a_tool_goes_into_the_next_request() -> None:
    model = scripted_model([ToolCallPart("note", {}, "c1")], [TextPart("done")])
    chat = Agent(model)

    @chat.tool
    def note(ctx: RunContext[None]) -> str:
        ctx.enqueue("asap from tool")
        return "ok"

    result = await chat.run("start")
    history = result.all_messages()
    # As the reference: the prompt joins the request that carries the tool's return.
    assert request_texts(history[2:3]) == [["req:tool-return:ok", "req:user-prompt:asap from tool"]]
    assert request_texts(model.calls[1][-1:]) == [["req:tool-return:ok", "req:user-prompt:asap from tool"]]
    assert history[2].run_id == result.run_id
    assert history[2].timestamp <= history[3].timestamp


async def test_when_idle_redirects_a_run_that_would_end() -> None:
    model = scripted_model([TextPart("first answer")], [TextPart("second answer")])
    nodes = []
    async with Agent(model).iter("q") as run:
        enqueue_id = run.enqueue("and then?", priority="when_idle")
        assert [p.enqueue_id for p in run.pending_messages] == [enqueue_id]
        async for node in run:
            nodes.append(type(node))
    assert nodes == [UserPromptNode, ModelRequestNode, CallToolsNode, ModelRequestNode, CallToolsNode, End]
    assert run.result is not None
    assert run.result.output == "second answer"
    assert texts(model) == ["q", "and then?"]
    assert run.pending_messages == []


async def test_asap_and_when_idle_from_a_tool_make_three_requests_in_order() -> None:
    model = scripted_model([ToolCallPart("steer", {}, "c1")], [TextPart("a")], [TextPart("b")])
    chat = Agent(model)

    @chat.tool
    async def steer(ctx: RunContext[None]) -> str:
        ctx.enqueue("idle", priority="when_idle")
        ctx.enqueue("now")
        return "ok"

    result = await chat.run("go")
    assert result.output == "b"
    assert texts(model) == ["go", "now", "idle"]
    assert request_texts(result.all_messages())[-2:] == [["req:user-prompt:idle"], ["resp:text:b"]]


async def test_several_enqueues_are_each_delivered_once_in_order() -> None:
    model = scripted_model([TextPart("a")], [TextPart("b")])
    async with Agent(model).iter("q") as run:
        first = run.enqueue("one")
        second = run.enqueue("two", "three")
        assert [p.enqueue_id for p in run.pending_messages] == [first, second]
        async for _ in run:
            pass
    assert request_texts(model.calls[0]) == [
        ["req:user-prompt:q", "req:user-prompt:one", "req:user-prompt:['two', 'three']"]
    ]
    assert len(model.calls) == 1


async def test_enqueue_from_a_sibling_task_while_the_model_is_working() -> None:
    started = trio.Event()
    release = trio.Event()
    calls = []

    async def model_fn(messages: list, info: AgentInfo) -> ModelResponse:
        calls.append(messages)
        if len(calls) == 1:
            started.set()
            await release.wait()
        return ModelResponse(parts=[TextPart(f"answer {len(calls)}")])

    chat = Agent(FunctionModel(model_fn))
    async with chat.iter("q") as run, trio.open_nursery() as nursery:

        async def steer() -> None:
            await started.wait()
            run.enqueue("from a sibling")
            release.set()

        nursery.start_soon(steer)
        async for _ in run:
            pass
    assert run.result is not None
    assert run.result.output == "answer 2"
    assert calls[1][-1].parts[0].content == "from a sibling"


async def test_enqueue_from_worker_and_foreign_threads() -> None:
    model = scripted_model([TextPart("a")], [TextPart("b")])
    async with Agent(model).iter("q") as run:
        from_worker = await trio.to_thread.run_sync(run.enqueue, "from a worker thread")
        results: list[object] = []
        thread = threading.Thread(target=lambda: results.append(run.enqueue("from a foreign thread")))
        thread.start()
        await trio.to_thread.run_sync(thread.join)
        assert [p.enqueue_id for p in run.pending_messages] == [from_worker, results[0]]
        async for _ in run:
            pass
    delivered = [p.content for m in model.calls[0] for p in m.parts]
    assert delivered == ["q", "from a worker thread", "from a foreign thread"]


async def test_enqueue_from_a_sync_tool_running_in_a_thread() -> None:
    model = scripted_model([ToolCallPart("blocking", {}, "c1")], [TextPart("done")])
    chat = Agent(model)

    @chat.tool
    def blocking(ctx: RunContext[None]) -> str:
        assert threading.current_thread() is not threading.main_thread()
        ctx.enqueue("from the tool's thread")
        return "ok"

    await chat.run("go")
    assert texts(model)[1] == "from the tool's thread"


async def test_enqueue_after_the_end_is_refused_never_dropped() -> None:
    async with Agent(scripted_model([TextPart("x")])).iter("q") as run:
        async for _ in run:
            pass
        with pytest.raises(UserError, match="after the run ended"):
            run.enqueue("too late")
        with pytest.raises(UserError, match="after the run ended"):
            await trio.to_thread.run_sync(run.enqueue, "too late, from a thread")
    with pytest.raises(UserError, match="after the run ended"):
        run.enqueue("later still")
    assert run.pending_messages == []


async def test_enqueue_after_the_block_exited_early_is_refused_and_accepted_content_stays_visible() -> None:
    async with Agent(scripted_model([TextPart("x")])).iter("q") as run:
        kept = run.enqueue("accepted but never delivered")
    with pytest.raises(UserError, match="block exited"):
        run.enqueue("refused")
    assert [p.enqueue_id for p in run.pending_messages] == [kept]


async def test_enqueue_from_a_thread_after_trio_finished_is_refused() -> None:
    holder: list = []

    async def main() -> None:
        async with Agent(scripted_model([TextPart("x")])).iter("q") as run:
            holder.append(run)

    await trio.to_thread.run_sync(trio.run, main)
    # A new thread (a cached worker thread could be the one that ran ``main``, which takes another path): the
    # call cannot be marshalled onto a trio run that has finished.
    errors: list[BaseException] = []

    def orphan() -> None:
        try:
            holder[0].enqueue("orphan")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=orphan)
    thread.start()
    await trio.to_thread.run_sync(thread.join)
    [error] = errors
    assert isinstance(error, UserError)
    assert str(error).startswith("The trio run that owned this agent run has finished; nothing was done.")
    assert holder[0].pending_messages == []


async def test_a_full_queue_refuses_and_keeps_everything_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    import trio_agent._engine.mailbox as mailbox

    monkeypatch.setattr(mailbox, "DEFAULT_CAPACITY", 2)
    model = scripted_model([TextPart("x")])
    async with Agent(model).iter("q") as run:
        ids = [run.enqueue("a"), run.enqueue("b")]
        with pytest.raises(UserError, match="queue is full"):
            run.enqueue("c")
        assert [p.enqueue_id for p in run.pending_messages] == ids  # collecting frees the channel
        run.enqueue("c")
        async for _ in run:
            pass
    assert [p.content for p in model.calls[0][0].parts] == ["q", "a", "b", "c"]


async def test_pending_messages_do_not_leak_between_redirect_and_end() -> None:
    """Content enqueued while the final request is in flight is delivered by a redirect, not dropped."""
    gate = trio.Event()
    calls = []

    async def model_fn(messages: list, info: AgentInfo) -> ModelResponse:
        calls.append(messages)
        if len(calls) == 1:
            await gate.wait()
        return ModelResponse(parts=[TextPart(f"r{len(calls)}")])

    async with Agent(FunctionModel(model_fn)).iter("q") as run:
        node = await run.next(run.next_node)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(run.next, node)
            await trio.testing.wait_all_tasks_blocked()
            late = run.enqueue("late", priority="when_idle")
            gate.set()
        while not isinstance(run.next_node, End):
            await run.next(run.next_node)  # type: ignore[arg-type]
    assert run.result is not None
    assert run.result.output == "r2"
    assert calls[1][-1].parts[-1].content == "late"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", late)  # accepted
    assert run.pending_messages == []  # delivered, nothing left behind


async def test_a_thread_gets_its_answer_while_the_trio_thread_is_busy() -> None:
    """``enqueue`` and ``cancel`` from a plain thread return without waiting for the run's trio thread, which
    here is blocked until the thread reports that both calls returned (a call that waited would deadlock)."""
    model = scripted_model([TextPart("a")], [TextPart("b")])
    both_returned = threading.Event()
    answers: list[object] = []

    def steer(run: AgentRun[None, str]) -> None:
        answers.append(run.enqueue("while trio was busy"))
        with pytest.raises(UserError, match="must end with a ModelRequest"):
            run.enqueue(ModelResponse(parts=[TextPart("a lone response")]))  # refused at once, in this thread
        run.cancel("from a thread")
        both_returned.set()

    with pytest.raises(RunCancelled) as info:
        async with Agent(model).iter("q") as run:
            thread = threading.Thread(target=steer, args=(run,))
            thread.start()
            assert both_returned.wait(10), "a steering call waited for the busy trio thread"  # blocks trio
            thread.join()  # a trio thread joining the steering thread: no deadlock
            async for _ in run:
                pass
    assert info.value.reason == "from a thread"
    [enqueue_id] = answers
    assert [p.enqueue_id for p in run.pending_messages] == [enqueue_id]  # accepted, never delivered, not lost


async def test_a_full_mailbox_refuses_a_thread_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import trio_agent._engine.mailbox as mailbox

    monkeypatch.setattr(mailbox, "DEFAULT_CAPACITY", 1)
    errors: list[BaseException] = []
    async with Agent(scripted_model([TextPart("x")])).iter("q") as run:
        first = run.enqueue("one")

        def refused() -> None:
            try:
                run.enqueue("two")
            except UserError as exc:
                errors.append(exc)

        thread = threading.Thread(target=refused)
        thread.start()
        thread.join()  # the trio thread blocks: the refusal did not need it
        async for _ in run:
            pass
    [error] = errors
    assert str(error).startswith("The run's enqueue queue is full (1 items waiting")
    assert first is not None


async def test_steering_from_the_thread_of_another_trio_run() -> None:
    model = scripted_model([TextPart("a")], [TextPart("b")])
    async with Agent(model).iter("q") as run:

        async def other_run() -> str | None:
            return run.enqueue("from another trio.run")

        enqueue_id = await trio.to_thread.run_sync(trio.run, other_run)
        assert [p.enqueue_id for p in run.pending_messages] == [enqueue_id]
        async for _ in run:
            pass
    assert [p.content for p in model.calls[0][0].parts] == ["q", "from another trio.run"]
