"""The reference's ready-made capabilities and the tool-hook exceptions (`ToolFailed`, `SkipToolExecution`,
`SkipToolValidation`), each through a run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import trio

from conftest import request_texts, scripted_model
from trio_agent import Agent, RunContext
from trio_agent.capabilities import (
    AbstractCapability,
    Capability,
    CapabilityOrdering,
    CombinedCapability,
    DynamicCapability,
    HandleDeferredToolCalls,
    Hooks,
    HookTimeoutError,
    IncludeToolReturnSchemas,
    ModelRequestContext,
    PrepareOutputTools,
    PrepareTools,
    RaiseContentFilterError,
    ResolveModelId,
    SelectModel,
    SetToolMetadata,
    SkipToolExecution,
    SkipToolValidation,
    Thinking,
    ToolFailed,
    UseThreadExecutor,
    WrapperCapability,
)
from trio_agent.exceptions import ContentFilterError, UserError
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.tools import DeferredToolRequests, DeferredToolResults, ToolDefinition


def call(name: str, args: dict[str, Any] | None = None, call_id: str = "c1") -> list[ToolCallPart]:
    return [ToolCallPart(name, args or {}, tool_call_id=call_id)]


def echo_returns(messages: list[ModelMessage]) -> list[TextPart]:
    return [TextPart(repr(request_texts(messages[-1:])))]


# -- exceptions ----------------------------------------------------------------------------------------------


async def test_tool_failed_returns_a_failed_result_counted_as_a_call_without_a_retry() -> None:
    agent = Agent(scripted_model(call("lookup"), echo_returns), retries=0)

    @agent.tool_plain
    def lookup() -> str:
        raise ToolFailed("no such record")

    result = await agent.run("go")
    returned = result.all_messages()[2].parts[0]
    assert isinstance(returned, ToolReturnPart)
    assert (returned.content, returned.outcome) == ("no such record", "failed")
    assert result.usage().tool_calls == 1


async def test_skip_tool_execution_gives_the_result_without_running_the_tool() -> None:
    ran: list[str] = []

    class Cached(AbstractCapability[None]):
        async def before_tool_execute(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
            raise SkipToolExecution(f"cached {args['q']}")

    agent = Agent(scripted_model(call("lookup", {"q": "x"}), echo_returns), capabilities=[Cached()])

    @agent.tool_plain
    def lookup(q: str) -> str:
        ran.append(q)
        return q

    result = await agent.run("go")
    assert ran == []
    assert result.output == repr([["req:tool-return:cached x"]])


async def test_tool_validate_hooks_and_skip_tool_validation() -> None:
    seen: list[Any] = []

    class Coerce(AbstractCapability[None]):
        async def before_tool_validate(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
            seen.append(("before", args))
            if args == {"n": "skip"}:
                raise SkipToolValidation({"n": 99})
            return {"n": int(args["n"]) * 2}

        async def after_tool_validate(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
            seen.append(("after", args))
            return args

    agent = Agent(
        scripted_model(call("double", {"n": "2"}), call("double", {"n": "skip"}, "c2"), echo_returns),
        capabilities=[Coerce()],
    )

    @agent.tool_plain
    def double(n: int) -> int:
        return n

    result = await agent.run("go")
    assert result.output == repr([["req:tool-return:99"]])
    assert seen == [("before", {"n": "2"}), ("after", {"n": 4}), ("before", {"n": "skip"})]


async def test_on_tool_validate_error_can_recover_invalid_arguments() -> None:
    class Default(AbstractCapability[None]):
        async def on_tool_validate_error(
            self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, error: Exception
        ) -> Any:
            return {"n": 0}

    agent = Agent(scripted_model(call("echo", {"n": "oops"}), echo_returns), capabilities=[Default()])

    @agent.tool_plain
    def echo(n: int) -> int:
        return n

    assert (await agent.run("go")).output == repr([["req:tool-return:0"]])


# -- Hooks -----------------------------------------------------------------------------------------------------


async def test_hooks_registered_with_decorators_even_after_the_agent_was_made() -> None:
    hooks = Hooks()
    agent = Agent(scripted_model(call("lookup", {"q": "x"}), [TextPart("done")]), capabilities=[hooks])
    log: list[str] = []

    @agent.tool_plain
    def lookup(q: str) -> str:
        return q

    @hooks.on.before_model_request
    def count(ctx: RunContext[Any], request_context: ModelRequestContext) -> ModelRequestContext:
        log.append(f"request {ctx.run_step}")
        return request_context

    @hooks.on.tool_execute(tools=["lookup"])
    async def around(ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, handler: Any) -> Any:
        log.append("tool>")
        result = await handler(args)
        log.append("<tool")
        return f"wrapped {result}"

    @hooks.on.tool_execute(tools=["other"])
    async def never(ctx: RunContext[Any], **kwargs: Any) -> Any:
        raise AssertionError("filtered out by tools=")

    result = await agent.run("go")
    assert log == ["request 1", "tool>", "<tool", "request 2"]
    assert request_texts(result.all_messages())[2] == ["req:tool-return:wrapped x"]


async def test_hooks_from_keyword_arguments_and_timeouts(autojump_clock: Any) -> None:
    async def slow(ctx: RunContext[Any], request_context: ModelRequestContext) -> ModelRequestContext:
        await trio.sleep(10)
        return request_context

    hooks = Hooks()
    hooks.on.before_model_request(timeout=1)(slow)
    with pytest.raises(HookTimeoutError, match="timed out after 1s"):
        await Agent(scripted_model([TextPart("x")]), capabilities=[hooks]).run("go")

    seen: list[str] = []
    by_name = Hooks(after_model_request=lambda ctx, *, request_context, response: seen.append("after") or response)
    await Agent(scripted_model([TextPart("x")]), capabilities=[by_name]).run("go")
    assert seen == ["after"]
    with pytest.raises(AttributeError, match="no hook 'befor_run'"):
        getattr(Hooks().on, "befor_run")  # noqa: B009


# -- Capability, ordering, wrapping ---------------------------------------------------------------------------


async def test_capability_bundles_instructions_and_tools() -> None:
    math = Capability(instructions="Use the tools.")

    @math.tool_plain
    def add(a: int, b: int) -> int:
        return a + b

    @math.instructions
    def more(ctx: RunContext[Any]) -> str:
        return f"step {ctx.run_step}"

    model = scripted_model(call("add", {"a": 1, "b": 2}), echo_returns)
    result = await Agent(model, instructions="Be brief.", capabilities=[math]).run("go")
    assert result.output == repr([["req:tool-return:3"]])
    assert model.infos[0].instructions == "Be brief.\n\nUse the tools.\n\nstep 1"  # type: ignore[attr-defined]
    assert [t.name for t in model.infos[0].function_tools] == ["add"]  # type: ignore[attr-defined]


async def test_ordering_puts_outermost_first_and_wraps_before_wrapped() -> None:
    order: list[str] = []

    @dataclass
    class Named(AbstractCapability[None]):
        name: str
        ordering: CapabilityOrdering | None = None

        def get_ordering(self) -> CapabilityOrdering | None:
            return self.ordering

        async def before_run(self, ctx: RunContext[Any]) -> None:
            order.append(self.name)

    inner = Named("inner", CapabilityOrdering(position="innermost"))
    b = Named("b")
    a = Named("a", CapabilityOrdering(wraps=[b]))
    outer = Named("outer", CapabilityOrdering(position="outermost"))
    await Agent(scripted_model([TextPart("x")]), capabilities=[inner, b, a, outer]).run("go")
    assert order == ["outer", "a", "b", "inner"]
    with pytest.raises(UserError, match="contradict"):
        CombinedCapability(
            [Named("x", CapabilityOrdering(wraps=[Named])), Named("y", CapabilityOrdering(wraps=[Named]))]
        )
    with pytest.raises(UserError, match="requires a `Hooks` capability"):
        CombinedCapability([Named("z", CapabilityOrdering(requires=[Hooks]))])


async def test_combined_and_wrapper_capabilities_forward_hooks() -> None:
    log: list[str] = []

    class Log(AbstractCapability[None]):
        async def before_run(self, ctx: RunContext[Any]) -> None:
            log.append("log")

    class Louder(WrapperCapability[None]):
        async def before_run(self, ctx: RunContext[Any]) -> None:
            log.append("louder")
            await self.wrapped.before_run(ctx)

    agent = Agent(
        scripted_model([TextPart("x")]),
        capabilities=[CombinedCapability([Log(), WrapperCapability(Log())]), Louder(Log())],
    )
    await agent.run("go")
    assert log == ["log", "log", "louder", "log"]


async def test_dynamic_capability_is_chosen_per_run() -> None:
    seen: list[str] = []

    @dataclass
    class Tag(AbstractCapability[str]):
        tag: str

        async def before_model_request(self, ctx: RunContext[Any], request_context: Any) -> Any:
            seen.append(self.tag)
            return request_context

    dynamic = DynamicCapability(lambda ctx: Tag(ctx.deps) if ctx.deps != "none" else None)
    agent = Agent(
        scripted_model([TextPart("x")], [TextPart("y")], [TextPart("z")]), deps_type=str, capabilities=[dynamic]
    )
    await agent.run("go", deps="first")
    await agent.run("go", deps="none")
    await agent.run("go", deps="second")
    assert seen == ["first", "second"]


# -- tools -------------------------------------------------------------------------------------------------------


async def test_prepare_tools_and_set_tool_metadata_and_return_schemas() -> None:
    def hide_secret(ctx: RunContext[Any], defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return [d for d in defs if d.name != "secret"]

    model = scripted_model(call("secret"), echo_returns)
    agent = Agent(
        model,
        capabilities=[
            PrepareTools(hide_secret),
            SetToolMetadata(tools=["visible"], code_mode=True),
            IncludeToolReturnSchemas(),
        ],
    )

    @agent.tool_plain
    def visible() -> int:
        return 1

    @agent.tool_plain
    def secret() -> int:
        return 2

    result = await agent.run("go")
    offered = model.infos[0].function_tools  # type: ignore[attr-defined]
    assert [(t.name, t.metadata, t.include_return_schema) for t in offered] == [("visible", {"code_mode": True}, True)]
    assert "Unknown tool name: 'secret'" in result.output


async def test_prepare_output_tools_changes_what_the_model_is_offered() -> None:
    def describe(ctx: RunContext[Any], defs: list[ToolDefinition]) -> list[ToolDefinition]:
        return [ToolDefinition(**{**d.__dict__, "description": "The answer."}) for d in defs]

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        assert [t.description for t in info.output_tools] == ["The answer."]
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"response": 4})])

    agent = Agent(FunctionModel(answer), output_type=int, capabilities=[PrepareOutputTools(describe)])
    assert (await agent.run("go")).output == 4


async def test_handle_deferred_tool_calls_answers_them_inside_the_run() -> None:
    def approve_all(ctx: RunContext[Any], requests: DeferredToolRequests) -> DeferredToolResults:
        return DeferredToolResults(approvals={c.tool_call_id: True for c in requests.approvals})

    agent = Agent(scripted_model(call("delete"), echo_returns), capabilities=[HandleDeferredToolCalls(approve_all)])

    @agent.tool_plain(requires_approval=True)
    def delete() -> str:
        return "deleted"

    assert (await agent.run("go")).output == repr([["req:tool-return:deleted"]])


# -- model ---------------------------------------------------------------------------------------------------------


async def test_thinking_and_settings_functions_reach_the_model() -> None:
    seen: list[Any] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.model_settings)
        return ModelResponse(parts=[TextPart("x")])

    class PerStep(AbstractCapability[None]):
        def get_model_settings(self) -> Any:
            return lambda ctx: {"temperature": ctx.run_step / 10}

    agent = Agent(FunctionModel(respond), model_settings={"max_tokens": 5}, capabilities=[Thinking(), PerStep()])
    await agent.run("go")
    assert seen == [
        {
            "max_tokens": 5,
            "openai_reasoning_effort": "high",
            "anthropic_thinking": {"type": "adaptive"},
            "temperature": 0.1,
        }
    ]


async def test_raise_content_filter_error_on_a_filtered_response() -> None:
    def filtered(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("partial")], finish_reason="content_filter")

    with pytest.raises(ContentFilterError, match="Content filter triggered") as info:
        await Agent(FunctionModel(filtered), capabilities=[RaiseContentFilterError()]).run("go")
    assert info.value.body is not None
    assert '"partial"' in info.value.body


async def test_resolve_model_id_and_select_model() -> None:
    named = scripted_model([TextPart("from the registry")])
    agent = Agent(
        scripted_model([TextPart("default")]),
        capabilities=[ResolveModelId(lambda ctx, name: named if name == "registry:x" else None)],
    )
    assert (await agent.run("go", model="registry:x")).output == "from the registry"

    chosen = scripted_model([TextPart("selected")])
    selecting = Agent(scripted_model([TextPart("default")]), capabilities=[SelectModel(lambda ctx: chosen)])
    assert (await selecting.run("go")).output == "selected"


async def test_use_thread_executor_bounds_concurrent_tool_calls() -> None:
    running = 0
    peak = 0

    agent = Agent(
        scripted_model([*call("work", {}, "a"), *call("work", {}, "b"), *call("work", {}, "c")], [TextPart("done")]),
        capabilities=[UseThreadExecutor(1)],
    )

    @agent.tool_plain
    async def work() -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await trio.sleep(0.01)
        running -= 1
        return "ok"

    await agent.run("go")
    assert peak == 1


async def test_toolset_and_prefix_tools_capabilities() -> None:
    from trio_agent.capabilities import PrefixTools, Toolset
    from trio_agent.toolsets import FunctionToolset

    def ping() -> str:
        return "pong"

    def echo(text: str) -> str:
        return text

    model = scripted_model(call("ping"), call("net_echo", {"text": "hi"}, "c2"), echo_returns)
    net = Capability(tools=[echo])
    agent = Agent(model, capabilities=[Toolset(FunctionToolset([ping])), PrefixTools("net", net)])
    result = await agent.run("go")
    assert [t.name for t in model.infos[0].function_tools] == ["ping", "net_echo"]  # type: ignore[attr-defined]
    assert request_texts(result.all_messages())[2] == ["req:tool-return:pong"]
    assert result.output == repr([["req:tool-return:hi"]])
