"""Toolsets: function toolsets, the wrappers, external and approval-required tools, dynamic toolsets, name
conflicts, and lifetimes (what a run opens, it closes; ``async with agent:`` opens once for many runs)."""

from __future__ import annotations

import dataclasses
from contextlib import AsyncExitStack
from typing import Any

import pytest
import trio
import trio.testing

from conftest import scripted_model, task_names
from trio_agent import (
    Agent,
    CallToolsNode,
    DeferredToolRequests,
    DeferredToolResults,
    RunContext,
    Tool,
    ToolOutput,
    UserError,
)
from trio_agent.messages import (
    ModelMessage,
    ModelRequest,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.tools import ToolDefinition
from trio_agent.toolsets import (
    AbstractToolset,
    CombinedToolset,
    ExternalToolset,
    FunctionToolset,
    ToolsetTool,
    WrapperToolset,
)
from trio_agent.usage import RunUsage


def returns(messages: list[ModelMessage]) -> dict[str, Any]:
    """The tool returns (and retry prompts) of the last request, by tool name."""
    last = messages[-1]
    assert isinstance(last, ModelRequest)
    found: dict[str, Any] = {}
    for part in last.parts:
        if isinstance(part, ToolReturnPart):
            found[part.tool_name] = part.content
        elif isinstance(part, RetryPromptPart) and part.tool_name is not None:
            found[part.tool_name] = ("retry", part.content)
    return found


def offered(model: FunctionModel, request: int = 0) -> list[str]:
    return sorted(t.name for t in model.infos[request].function_tools)  # type: ignore[attr-defined]


def weather_toolset() -> FunctionToolset[Any]:
    toolset: FunctionToolset[Any] = FunctionToolset(id="weather")

    @toolset.tool_plain
    def forecast(city: str) -> str:
        """The forecast for a city."""
        return f"sunny in {city}"

    @toolset.tool
    def who(ctx: RunContext[str]) -> str:
        return f"deps={ctx.deps}, tool={ctx.tool_name}"

    return toolset


# -- function toolsets ------------------------------------------------------------------------------------


async def test_an_agent_calls_the_tools_of_its_toolsets_beside_its_own() -> None:
    model = scripted_model(
        [ToolCallPart("forecast", {"city": "Paris"}), ToolCallPart("who", {}), ToolCallPart("mine", {})],
        lambda messages: [TextPart(repr(returns(messages)))],
    )
    agent = Agent(model, deps_type=str, toolsets=[weather_toolset()])

    @agent.tool_plain
    def mine() -> str:
        return "own tool"

    result = await agent.run("go", deps="d")
    assert offered(model) == ["forecast", "mine", "who"]
    assert result.output == repr({"forecast": "sunny in Paris", "who": "deps=d, tool=who", "mine": "own tool"})
    assert [t.description for t in model.infos[0].function_tools if t.name == "forecast"] == [  # type: ignore[attr-defined]
        "The forecast for a city."
    ]


async def test_function_toolset_construction_forms_and_defaults() -> None:
    def double(x: int) -> int:
        return 2 * x

    async def triple(x: int) -> int:
        return 3 * x

    toolset: FunctionToolset[Any] = FunctionToolset(
        [double, Tool(triple, name="thrice")], max_retries=3, metadata={"team": "math"}
    )
    toolset.add_function(lambda x: x + 1, name="inc", description="Add one.")
    with pytest.raises(UserError, match="'double'"):
        toolset.add_function(double)
    model = scripted_model(
        [ToolCallPart("double", {"x": 2}), ToolCallPart("thrice", {"x": 2}), ToolCallPart("inc", {"x": 2})],
        lambda messages: [TextPart(repr(returns(messages)))],
    )
    result = await Agent(model, toolsets=[toolset]).run("go")
    assert result.output == repr({"double": 4, "thrice": 6, "inc": 3})
    tools = {t.name: t for t in model.infos[0].function_tools}  # type: ignore[attr-defined]
    assert tools["inc"].description == "Add one."
    assert tools["double"].metadata == {"team": "math"}
    listed = await toolset.get_tools(RunContext(deps=None, model=model, usage=RunUsage()))
    assert {name: tool.max_retries for name, tool in listed.items()} == {"double": 3, "thrice": 3, "inc": 3}


async def test_a_toolset_timeout_asks_the_model_to_retry(autojump_clock: trio.abc.Clock) -> None:
    toolset: FunctionToolset[Any] = FunctionToolset(timeout=2)

    @toolset.tool_plain
    async def slow() -> str:
        await trio.sleep(10)
        return "late"

    @toolset.tool_plain(timeout=20)
    async def patient() -> str:
        await trio.sleep(10)
        return "on time"

    model = scripted_model(
        [ToolCallPart("slow", {}), ToolCallPart("patient", {})],
        lambda messages: [TextPart(repr(returns(messages)))],
    )
    result = await Agent(model, toolsets=[toolset]).run("go")
    assert result.output == repr({"slow": ("retry", "Timed out after 2 seconds."), "patient": "on time"})


async def test_tools_with_prepare_in_a_toolset_are_offered_per_step() -> None:
    toolset: FunctionToolset[Any] = FunctionToolset()

    async def only_first_step(ctx: RunContext[Any], tool_def: ToolDefinition) -> ToolDefinition | None:
        return tool_def if ctx.run_step == 1 else None

    @toolset.tool_plain(prepare=only_first_step)
    def once() -> str:
        return "once"

    model = scripted_model([ToolCallPart("once", {})], [TextPart("done")])
    await Agent(model, toolsets=[toolset]).run("go")
    assert [offered(model, 0), offered(model, 1)] == [["once"], []]


# -- name conflicts -------------------------------------------------------------------------------------


async def test_a_name_taken_twice_names_both_toolsets_and_suggests_a_prefix() -> None:
    other: FunctionToolset[Any] = FunctionToolset(id="backup")

    @other.tool_plain
    def forecast(city: str) -> str:
        return "rain"

    agent = Agent(scripted_model([TextPart("x")]), toolsets=[weather_toolset(), other])
    with pytest.raises(UserError) as caught:
        await agent.run("go")
    message = str(caught.value)
    assert "FunctionToolset 'backup'" in message
    assert "FunctionToolset 'weather'" in message
    assert "'forecast'" in message
    assert "prefixed" in message

    @agent.tool_plain
    def who() -> str:
        return "mine"

    with pytest.raises(UserError, match="the agent"):
        await Agent(scripted_model([TextPart("x")]), tools=[who], toolsets=[weather_toolset()]).run("go")

    model = scripted_model([ToolCallPart("backup_forecast", {"city": "Oslo"})], [TextPart("ok")])
    await Agent(model, toolsets=[weather_toolset(), other.prefixed("backup")]).run("go")
    assert offered(model) == ["backup_forecast", "forecast", "who"]


async def test_a_toolset_tool_named_like_an_output_tool_is_a_user_error() -> None:
    toolset: FunctionToolset[Any] = FunctionToolset()

    @toolset.tool_plain
    def final_result() -> str:
        return "x"

    agent = Agent(scripted_model([TextPart("x")]), output_type=ToolOutput(int), toolsets=[toolset])
    with pytest.raises(UserError, match=r"'final_result'.*output tool"):
        await agent.run("go")


# -- wrappers -------------------------------------------------------------------------------------------


async def test_filtered_toolsets_hide_tools_per_step() -> None:
    toolset = weather_toolset().filtered(lambda ctx, tool_def: tool_def.name != "who" or ctx.deps == "admin")
    model = scripted_model([TextPart("a")], [TextPart("b")])
    agent = Agent(model, deps_type=str, toolsets=[toolset])
    await agent.run("go", deps="guest")
    await agent.run("go", deps="admin")
    assert [offered(model, 0), offered(model, 1)] == [["forecast"], ["forecast", "who"]]


async def test_prefixed_and_renamed_tools_reach_the_original_under_its_own_name() -> None:
    model = scripted_model(
        [ToolCallPart("w_who", {}), ToolCallPart("weather", {"city": "Rome"})],
        lambda messages: [TextPart(repr(returns(messages)))],
    )
    toolsets = [weather_toolset().prefixed("w").filtered(lambda ctx, d: d.name == "w_who")]
    toolsets.append(weather_toolset().renamed({"weather": "forecast"}).filtered(lambda ctx, d: d.name == "weather"))
    result = await Agent(model, deps_type=str, toolsets=toolsets).run("go", deps="d")
    assert offered(model) == ["w_who", "weather"]
    assert result.output == repr({"w_who": "deps=d, tool=who", "weather": "sunny in Rome"})


async def test_prepared_toolsets_change_definitions_but_cannot_add_tools() -> None:
    async def shout(ctx: RunContext[Any], defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return [dataclasses.replace(d, description=(d.description or d.name).upper()) for d in defs]

    model = scripted_model([TextPart("ok")])
    await Agent(model, toolsets=[weather_toolset().prepared(shout)]).run("go")
    assert sorted(t.description for t in model.infos[0].function_tools) == ["THE FORECAST FOR A CITY.", "WHO"]  # type: ignore[attr-defined]

    def invent(ctx: RunContext[Any], defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return [*defs, ToolDefinition(name="invented")]

    with pytest.raises(UserError, match=r"'invented'.*not one of its tools"):
        await Agent(scripted_model([TextPart("x")]), toolsets=[weather_toolset().prepared(invent)]).run("go")


@dataclasses.dataclass
class Audited(WrapperToolset[Any]):
    """Records each call and wraps its result."""

    log: list[tuple[str, dict[str, Any]]] = dataclasses.field(default_factory=list)

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[Any], tool: ToolsetTool[Any]
    ) -> Any:
        self.log.append((name, tool_args))
        return {"audited": await super().call_tool(name, tool_args, ctx, tool)}


async def test_a_wrapper_toolset_intercepts_calls() -> None:
    audited = Audited(weather_toolset())
    model = scripted_model(
        [ToolCallPart("forecast", {"city": "Oslo"})], lambda messages: [TextPart(repr(returns(messages)))]
    )
    result = await Agent(model, deps_type=str, toolsets=[audited]).run("go", deps="d")
    assert audited.log == [("forecast", {"city": "Oslo"})]
    assert result.output == repr({"forecast": {"audited": "sunny in Oslo"}})
    assert audited.label == "Audited(FunctionToolset 'weather')"


# -- deferred tools ---------------------------------------------------------------------------------------


async def test_external_tool_calls_end_the_run_and_a_later_run_supplies_their_results() -> None:
    external = ExternalToolset(
        [ToolDefinition(name="browser_click", parameters_json_schema={"type": "object", "properties": {}})]
    )
    model = scripted_model(
        [ToolCallPart("browser_click", {"selector": "#ok"}, "c1")],
        lambda messages: [TextPart(repr(returns(messages)))],
    )
    agent = Agent(model, output_type=[str, DeferredToolRequests], toolsets=[external])
    first = await agent.run("click ok")
    assert isinstance(first.output, DeferredToolRequests)
    assert [(c.tool_name, c.args, c.tool_call_id) for c in first.output.calls] == [
        ("browser_click", {"selector": "#ok"}, "c1")
    ]
    second = await agent.run(
        message_history=first.all_messages(), deferred_tool_results=DeferredToolResults(calls={"c1": "clicked"})
    )
    assert second.output == repr({"browser_click": "clicked"})


async def test_approval_required_toolsets_defer_the_calls_they_pick() -> None:
    ran: list[str] = []
    toolset: FunctionToolset[Any] = FunctionToolset()

    @toolset.tool_plain
    def delete(path: str) -> str:
        ran.append(path)
        return f"deleted {path}"

    guarded = toolset.approval_required(lambda ctx, tool_def, args: args["path"].startswith("/etc"))
    model = scripted_model(
        [ToolCallPart("delete", {"path": "/tmp/a"}, "t"), ToolCallPart("delete", {"path": "/etc/b"}, "e")],
        [TextPart("done")],
    )
    agent = Agent(model, output_type=[str, DeferredToolRequests], toolsets=[guarded])
    first = await agent.run("clean")
    assert isinstance(first.output, DeferredToolRequests)
    assert [c.tool_call_id for c in first.output.approvals] == ["e"]
    assert ran == ["/tmp/a"]
    second = await agent.run(
        message_history=first.all_messages(), deferred_tool_results=DeferredToolResults(approvals={"e": True})
    )
    assert second.output == "done"
    assert ran == ["/tmp/a", "/etc/b"]


# -- per-run, dynamic and overridden toolsets ---------------------------------------------------------------


async def test_a_runs_toolsets_are_its_own() -> None:
    model = scripted_model([TextPart("a")], [TextPart("b")])
    agent = Agent(model, deps_type=str)
    await agent.run("go", deps="d", toolsets=[weather_toolset()])
    await agent.run("go", deps="d")
    assert [offered(model, 0), offered(model, 1)] == [["forecast", "who"], []]


async def test_a_dynamic_toolset_is_chosen_per_step_or_once_per_run() -> None:
    evaluations: list[tuple[str, int]] = []
    model = scripted_model([ToolCallPart("forecast", {"city": "Oslo"})], [TextPart("a")], [TextPart("b")])
    agent = Agent(model, deps_type=str)
    weather = weather_toolset()

    @agent.toolset
    def per_step(ctx: RunContext[str]) -> AbstractToolset[Any] | None:
        evaluations.append(("step", ctx.run_step))
        return weather.filtered(lambda c, d: d.name == "forecast") if ctx.run_step <= 1 else None

    @agent.toolset(per_run_step=False)
    async def per_run(ctx: RunContext[str]) -> AbstractToolset[Any]:
        evaluations.append(("run", ctx.run_step))
        return weather.filtered(lambda c, d: d.name == "who")

    await agent.run("go", deps="d")
    assert [offered(model, 0), offered(model, 1)] == [["forecast", "who"], ["who"]]
    assert evaluations == [("run", 0), ("step", 1), ("step", 2)]
    await agent.run("again", deps="d")
    assert evaluations[3:] == [("run", 0), ("step", 1)]


async def test_override_replaces_the_agents_toolsets_not_a_runs() -> None:
    model = scripted_model([TextPart("a")], [TextPart("b")])
    agent = Agent(model, deps_type=str, toolsets=[weather_toolset()])
    only: FunctionToolset[Any] = FunctionToolset()
    only.add_function(lambda: "x", name="replacement")
    extra: FunctionToolset[Any] = FunctionToolset()
    extra.add_function(lambda: "y", name="per_run")
    with agent.override(toolsets=[only]):
        assert [t.id for t in agent.toolsets][1:] == [None]
        await agent.run("go", deps="d", toolsets=[extra])
    await agent.run("go", deps="d")
    assert [offered(model, 0), offered(model, 1)] == [["per_run", "replacement"], ["forecast", "who"]]


async def test_toolset_instructions_join_the_request() -> None:
    class Instructed(FunctionToolset[Any]):
        async def get_instructions(self, ctx: RunContext[Any]) -> str | list[str] | None:
            return ["Use the tools.", f"Step {ctx.run_step}."]

    model = scripted_model([TextPart("ok")])
    await Agent(model, instructions="Be brief.", toolsets=[Instructed()]).run("go")
    assert model.infos[0].instructions == "Be brief.\n\nUse the tools.\n\nStep 1."  # type: ignore[attr-defined]


async def test_member_toolsets_list_their_tools_at_once() -> None:
    """Two members whose listing waits for the other's: listed one after the other, this would hang."""
    started = [trio.Event(), trio.Event()]

    class Waits(FunctionToolset[Any]):
        def __init__(self, mine: int) -> None:
            super().__init__()
            self.mine = mine

        async def get_tools(self, ctx: RunContext[Any]) -> dict[str, ToolsetTool[Any]]:
            started[self.mine].set()
            await started[1 - self.mine].wait()
            return await super().get_tools(ctx)

    with trio.fail_after(5):
        await Agent(scripted_model([TextPart("ok")]), toolsets=[Waits(0), Waits(1)]).run("go")


# -- lifetimes ------------------------------------------------------------------------------------------------


class Resourceful(FunctionToolset[Any]):
    """A toolset holding a resource the way an MCP session does: a nursery with a background task, opened on
    first entry and closed on last exit (so it must be exited by the task that entered it)."""

    def __init__(self, log: list[str], name: str = "r") -> None:
        super().__init__()
        self.log = log
        self.name = name
        self.entered = 0
        self._stack: AsyncExitStack | None = None
        self.add_function(self.ping, name=f"ping_{name}")

    def ping(self) -> str:
        assert self._stack is not None, "called while closed"
        return f"pong {self.name}"

    async def __aenter__(self) -> Resourceful:
        if self.entered == 0:
            async with AsyncExitStack() as stack:
                nursery = await stack.enter_async_context(trio.open_nursery())
                nursery.start_soon(trio.sleep_forever, name=f"session {self.name}")
                stack.callback(nursery.cancel_scope.cancel)
                self._stack = stack.pop_all()
            self.log.append(f"open {self.name}")
        self.entered += 1
        return self

    async def __aexit__(self, *args: Any) -> None:
        self.entered -= 1
        if self.entered == 0:
            assert self._stack is not None
            stack, self._stack = self._stack, None
            try:
                await stack.aclose()
            finally:
                self.log.append(f"close {self.name}")


async def test_a_run_opens_its_toolsets_and_closes_them_before_it_returns() -> None:
    log: list[str] = []
    model = scripted_model([ToolCallPart("ping_r", {})], lambda messages: [TextPart(repr(returns(messages)))])
    result = await Agent(model, toolsets=[Resourceful(log)]).run("go")
    assert result.output == repr({"ping_r": "pong r"})
    assert log == ["open r", "close r"]
    assert "session r" not in task_names()


async def test_iter_holds_toolsets_for_the_block() -> None:
    log: list[str] = []
    toolset = Resourceful(log)
    model = scripted_model(
        [ToolCallPart("ping_r", {})], [TextPart("one")], [ToolCallPart("ping_r", {})], [TextPart("two")]
    )
    agent = Agent(model, toolsets=[toolset])
    async with agent.iter("go") as run:
        assert log == ["open r"]
        assert "session r" in task_names()
        async for _ in run:
            pass
    assert log == ["open r", "close r"]
    assert "session r" not in task_names()
    assert (await agent.run("go")).output == "two"
    assert log == ["open r", "close r", "open r", "close r"]


async def test_a_failed_or_cancelled_run_closes_its_toolsets() -> None:
    log: list[str] = []

    def boom(messages: list[ModelMessage], info: AgentInfo) -> Any:
        raise RuntimeError("model down")

    with pytest.raises(RuntimeError, match="model down"):
        await Agent(FunctionModel(boom), toolsets=[Resourceful(log)]).run("go")
    assert log == ["open r", "close r"]

    async def hang(messages: list[ModelMessage], info: AgentInfo) -> Any:
        await trio.sleep_forever()

    with trio.move_on_after(1) as scope:
        await Agent(FunctionModel(hang), toolsets=[Resourceful(log, "s")]).run("go")
    assert scope.cancelled_caught
    assert log[2:] == ["open s", "close s"]
    assert not any(name.startswith("session") for name in task_names())


async def test_async_with_agent_opens_toolsets_once_for_many_runs() -> None:
    log: list[str] = []
    toolset = Resourceful(log)
    model = scripted_model(*[[ToolCallPart("ping_r", {})] if i % 2 == 0 else [TextPart("ok")] for i in range(6)])
    agent = Agent(model, toolsets=[toolset])
    async with agent:
        async with agent, trio.open_nursery() as nursery:
            for _ in range(3):
                nursery.start_soon(agent.run, "go")
        assert log == ["open r"]
    assert log == ["open r", "close r"]


async def test_a_dynamic_toolset_closes_the_one_it_replaces() -> None:
    log: list[str] = []
    first, second = Resourceful(log, "a"), Resourceful(log, "b")
    model = scripted_model([ToolCallPart("ping_a", {})], [ToolCallPart("ping_b", {})], [TextPart("done")])
    agent = Agent(model)

    @agent.toolset
    def by_step(ctx: RunContext[None]) -> AbstractToolset[Any]:
        return first if ctx.run_step == 1 else second

    async with agent.iter("go") as run:
        async for node in run:
            if isinstance(node, CallToolsNode) and getattr(node.model_response.parts[0], "tool_name", None) == "ping_b":
                assert log == ["open a", "close a", "open b"]
    assert log == ["open a", "close a", "open b", "close b"]
    assert run.result is not None
    messages = run.result.all_messages()
    assert [returns(messages[:3]), returns(messages[:5])] == [{"ping_a": "pong a"}, {"ping_b": "pong b"}]


async def test_combined_toolsets_enter_their_members_once_in_order_and_exit_in_reverse() -> None:
    log: list[str] = []
    combined = CombinedToolset([Resourceful(log, "a"), Resourceful(log, "b")])
    async with combined:  # noqa: SIM117 (the point: entries nest)
        async with combined:
            assert log == ["open a", "open b"]
    assert log == ["open a", "open b", "close b", "close a"]


async def test_runs_without_toolsets_keep_the_static_path() -> None:
    agent = Agent(scripted_model([TextPart("a")]))

    @agent.tool_plain
    def plain() -> str:
        return "x"

    spec = agent._compiled()
    assert spec.static_tools is not None
    assert list(spec.static_tools) == ["plain"]
    agent_with: Agent[None, str] = Agent(scripted_model([TextPart("a")]), toolsets=[weather_toolset()])
    assert agent_with._compiled().static_tools is None
    names = [t.label for t in agent_with.toolsets]
    assert names == ["the agent", "FunctionToolset 'weather'"]
    await trio.testing.wait_all_tasks_blocked()
