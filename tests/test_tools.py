"""Function tools: schemas, validation, retries, concurrency, threads, timeouts, failures."""

from __future__ import annotations

import dataclasses
import threading

import pytest
import trio

from conftest import request_texts, scripted_model
from trio_agent import Agent, ModelRetry, RunContext, Tool, UnexpectedModelBehavior, UserError
from trio_agent.messages import (
    ModelMessagesTypeAdapter,
    ModelResponse,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.tools import ToolDefinition


def test_schema_from_type_hints_excludes_the_context() -> None:
    agent = Agent("test")

    @agent.tool
    def add(ctx: RunContext[None], a: int, b: int = 3) -> int:
        """Add two numbers."""
        return a + b

    tool = agent._tools["add"]
    assert tool.tool_def.name == "add"
    assert tool.tool_def.description == "Add two numbers."
    assert tool.tool_def.parameters_json_schema == {
        "additionalProperties": False,
        "properties": {"a": {"type": "integer"}, "b": {"default": 3, "type": "integer"}},
        "required": ["a"],
        "type": "object",
    }


def test_kwargs_allow_extra_properties() -> None:
    def anything(**kwargs: int) -> int:
        return len(kwargs)

    assert "additionalProperties" not in Tool(anything).tool_def.parameters_json_schema


def test_context_misuse_is_a_user_error_at_decoration_time() -> None:
    agent = Agent("test")
    # The reference's wording: "Error generating schema for <qualname>:" and one indented line per problem.
    with pytest.raises(UserError, match="RunContext annotations can only be used with tools that take context"):

        @agent.tool_plain
        def plain(ctx: RunContext[None], x: int) -> int:
            return x

    with pytest.raises(
        UserError,
        match=r"Error generating schema for .*late:\n  First parameter of tools that take context must be annotated "
        r"with RunContext\[\.\.\.\]\n  RunContext annotations can only be used as the first argument",
    ):

        @agent.tool
        def late(x: int, ctx: RunContext[None]) -> int:
            return x

    with pytest.raises(UserError, match="RunContext annotations can only be used as the first argument"):

        @agent.tool
        def twice(ctx, other: RunContext[None]) -> int:  # type: ignore[no-untyped-def]
            return 1

    with pytest.raises(UserError, match="conflicts"):
        agent.tool_plain(lambda: 1, name="dup")
        agent.tool_plain(lambda: 2, name="dup")


async def test_invalid_arguments_become_a_retry_prompt_with_the_errors() -> None:
    model = scripted_model(
        [ToolCallPart("add", {"a": "notanint"}, "c1")], [ToolCallPart("add", {"a": 1}, "c2")], [TextPart("2")]
    )
    agent = Agent(model)

    @agent.tool_plain
    def add(a: int, b: int = 1) -> int:
        return a + b

    result = await agent.run("add")
    retry = result.all_messages()[2].parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert retry.tool_name == "add"
    assert retry.tool_call_id == "c1"
    assert retry.content == [
        {
            "type": "int_parsing",
            "loc": ("a",),
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "notanint",
        }
    ]
    assert result.all_messages()[4].parts[0] == ToolReturnPart(
        "add", 2, "c2", timestamp=result.all_messages()[4].parts[0].timestamp
    )


async def test_model_retry_then_success_resets_the_budget() -> None:
    attempts = []
    model = scripted_model(
        [ToolCallPart("flaky", {"x": 1}, "c1")],
        [ToolCallPart("flaky", {"x": 2}, "c2")],
        [ToolCallPart("flaky", {"x": 1}, "c3")],
        [ToolCallPart("flaky", {"x": 2}, "c4")],
        [TextPart("done")],
    )
    agent = Agent(model)

    @agent.tool
    def flaky(ctx: RunContext[None], x: int) -> int:
        attempts.append((x, ctx.retry, ctx.max_retries))
        if x == 1:
            raise ModelRetry("x must not be 1")
        return x

    result = await agent.run("go")
    assert result.output == "done"
    assert attempts == [(1, 0, 1), (2, 1, 1), (1, 0, 1), (2, 1, 1)]
    assert request_texts(result.all_messages())[2] == ["req:retry-prompt:x must not be 1"]


async def test_retry_budget_exhausted_names_the_tool_and_the_limit() -> None:
    model = scripted_model(*[[ToolCallPart("flaky", {}, f"c{i}")] for i in range(3)])
    agent = Agent(model)

    @agent.tool_plain(retries=1)
    def flaky() -> str:
        raise ModelRetry("nope")

    with pytest.raises(UnexpectedModelBehavior, match="Tool 'flaky' exceeded max retries count of 1") as info:
        await agent.run("go")
    assert info.value.__cause__ == ModelRetry("nope")  # the tool's last refusal
    assert len(model.calls) == 2


async def test_unknown_tool_lists_the_available_ones() -> None:
    model = scripted_model([ToolCallPart("missing", {}, "c1")], [TextPart("ok")])
    agent = Agent(model)
    agent.tool_plain(lambda: "b", name="beta")
    agent.tool_plain(lambda: "a", name="alpha")
    result = await agent.run("go")
    part = result.all_messages()[2].parts[0]
    assert isinstance(part, RetryPromptPart)
    assert part.content == "Unknown tool name: 'missing'. Available tools: 'alpha', 'beta'"
    assert part.tool_name == "missing"


async def test_parallel_calls_overlap_and_return_in_emission_order(autojump_clock: trio.abc.Clock) -> None:
    finished: list[int] = []
    model = scripted_model([ToolCallPart("sleepy", {"n": n}, f"c{n}") for n in range(8)], [TextPart("done")])
    agent = Agent(model)

    @agent.tool_plain
    async def sleepy(n: int) -> int:
        await trio.sleep(10 - n)  # finish in reverse order
        finished.append(n)
        return n

    result = await agent.run("go")
    assert trio.current_time() == pytest.approx(10)
    assert finished == list(reversed(range(8)))
    assert [p.content for p in result.all_messages()[2].parts] == list(range(8))


async def test_sequential_tools_form_barriers(autojump_clock: trio.abc.Clock) -> None:
    log: list[tuple[str, float]] = []
    calls = [ToolCallPart("par", {"n": 0}, "a"), ToolCallPart("seq", {}, "b"), ToolCallPart("par", {"n": 1}, "c")]
    agent = Agent(scripted_model(calls, [TextPart("done")]))

    @agent.tool_plain
    async def par(n: int) -> int:
        await trio.sleep(1)
        log.append((f"par{n}", trio.current_time()))
        return n

    @agent.tool_plain(sequential=True)
    async def seq() -> str:
        await trio.sleep(1)
        log.append(("seq", trio.current_time()))
        return "s"

    await agent.run("go")
    assert log == [("par0", 1.0), ("seq", 2.0), ("par1", 3.0)]


async def test_sync_tools_run_in_a_worker_thread() -> None:
    threads = []
    agent = Agent(scripted_model([ToolCallPart("where", {}, "c1")], [TextPart("done")]))

    @agent.tool_plain
    def where() -> str:
        threads.append(threading.get_ident())
        return "ok"

    await agent.run("go")
    assert threads
    assert threads[0] != threading.get_ident()


async def test_timeout_becomes_a_retry_prompt(autojump_clock: trio.abc.Clock) -> None:
    model = scripted_model([ToolCallPart("slow", {}, "c1")], [TextPart("gave up")])
    agent = Agent(model, tool_timeout=5)

    @agent.tool_plain(timeout=1)
    async def slow() -> str:
        await trio.sleep(60)
        return "never"

    result = await agent.run("go")
    assert trio.current_time() == pytest.approx(1)
    assert result.all_messages()[2].parts[0].content == "Timed out after 1 seconds."


async def test_a_failing_tool_cancels_its_siblings_and_raises_its_own_error(autojump_clock: trio.abc.Clock) -> None:
    finished = []
    agent = Agent(scripted_model([ToolCallPart("ok", {}, "a"), ToolCallPart("bad", {}, "b")]))

    @agent.tool_plain
    async def ok() -> str:
        await trio.sleep(5)
        finished.append("ok")
        return "ok"

    @agent.tool_plain
    async def bad() -> str:
        await trio.sleep(1)
        raise LookupError("tool broke")

    with pytest.raises(LookupError, match="tool broke"):
        await agent.run("go")
    assert finished == []
    assert trio.current_time() == pytest.approx(1)


async def test_several_failing_tools_raise_the_first_with_the_others_noted() -> None:
    agent = Agent(scripted_model([ToolCallPart("bad", {"n": 1}, "a"), ToolCallPart("bad", {"n": 2}, "b")]))

    @agent.tool_plain
    async def bad(n: int) -> str:
        raise ValueError(f"bad {n}")

    with pytest.raises(ValueError, match=r"^bad 1") as info:
        await agent.run("go")
    assert str(info.value) == "bad 1"
    assert info.value.__notes__ == ["Another task of the same run failed at the same time: ValueError('bad 2')"]


async def test_tool_context_and_plain_tool_objects() -> None:
    seen = []

    async def model_fn(messages: list, info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=[ToolCallPart("ctx_tool", {"v": 1}, "id-1")])
        return ModelResponse(parts=[TextPart("done")])

    def ctx_tool(ctx: RunContext[str], v: int) -> int:
        seen.append((ctx.deps, ctx.tool_name, ctx.tool_call_id, ctx.run_step, len(ctx.messages)))
        return v

    agent = Agent(FunctionModel(model_fn), tools=[Tool(ctx_tool)], deps_type=str)
    await agent.run("go", deps="deps!")
    assert seen == [("deps!", "ctx_tool", "id-1", 1, 2)]


async def test_prepare_hides_or_changes_a_tool_per_step() -> None:
    seen: list[list[tuple[str, str | None]]] = []

    async def model_fn(messages: list, info: AgentInfo) -> ModelResponse:
        seen.append([(t.name, t.description) for t in info.function_tools])
        if len(seen) == 1:
            return ModelResponse(parts=[ToolCallPart("secret", {}, "c1")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(model_fn), deps_type=int)

    async def only_for_admins(ctx: RunContext[int], tool_def: ToolDefinition) -> ToolDefinition | None:
        return tool_def if ctx.deps == 42 else None

    def describe_step(ctx: RunContext[int], tool_def: ToolDefinition) -> ToolDefinition:
        return dataclasses.replace(tool_def, description=f"step {ctx.run_step}")

    agent.tool_plain(lambda: "s", name="secret", prepare=only_for_admins)
    agent.tool_plain(lambda: "p", name="public", prepare=describe_step)

    result = await agent.run("go", deps=0)
    assert seen == [[("public", "step 1")], [("public", "step 2")]]
    retry = result.all_messages()[2].parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert retry.content == "Unknown tool name: 'secret'. Available tools: 'public'"
    seen.clear()
    await agent.run("go", deps=42)
    assert seen[0] == [("secret", None), ("public", "step 1")]


async def test_thread_limiter_bounds_concurrent_sync_tools() -> None:
    running: list[int] = []
    peak: list[int] = []
    lock = threading.Lock()
    calls = [ToolCallPart("blocking", {"n": n}, f"c{n}") for n in range(6)]
    agent = Agent(scripted_model(calls, [TextPart("done")]), thread_limiter=trio.CapacityLimiter(2))

    @agent.tool_plain
    def blocking(n: int) -> int:
        with lock:
            running.append(n)
            peak.append(len(running))
        threading.Event().wait(0.02)
        with lock:
            running.remove(n)
        return n

    result = await agent.run("go")
    assert [p.content for p in result.all_messages()[2].parts] == list(range(6))
    assert max(peak) == 2


async def test_deeply_nested_invalid_arguments_leave_a_history_that_reloads() -> None:
    """A model's argument JSON nested ~190 levels parses, fails validation, and is echoed in the retry prompt:
    echoed as is it would nest the history past what pydantic's JSON parser reads back, so it is described."""
    nested = "[" * 190 + "]" * 190
    model = scripted_model([ToolCallPart("add", nested, "c1")], [TextPart("done")])
    agent = Agent(model)

    @agent.tool_plain
    def add(a: int, b: int) -> int:
        return a + b

    result = await agent.run("add")
    [retry] = [p for m in result.all_messages() for p in m.parts if isinstance(p, RetryPromptPart)]
    assert retry.content == [
        {
            "type": "model_type",
            "loc": (),
            "msg": "Input should be an object",
            "input": "<a list nested more than 32 levels deep>",
        }
    ]
    reloaded = ModelMessagesTypeAdapter.validate_json(result.all_messages_json())
    assert len(reloaded) == len(result.all_messages())
    assert reloaded == result.all_messages()
    # shallow invalid input is still echoed back unchanged
    shallow = await Agent(
        scripted_model([ToolCallPart("add", '{"a": [[1]], "b": 2}', "c1")], [TextPart("done")]), tools=[add]
    ).run("add")
    [retry] = [p for m in shallow.all_messages() for p in m.parts if isinstance(p, RetryPromptPart)]
    assert retry.content[0]["input"] == [[1]]  # type: ignore[index]
