"""Run, model-request, tool-execution and event-stream hooks: order, replacement, short-circuit, recovery."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import pytest

from conftest import scripted_model
from trio_agent import Agent, AgentRunResult, End, ModelRetry, RunContext
from trio_agent.capabilities import AbstractCapability, ModelRequestContext, SkipModelRequest
from trio_agent.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.tools import ToolDefinition


class Log(AbstractCapability):
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    async def before_run(self, ctx: RunContext[Any]) -> None:
        self.log.append(f"{self.name}.before_run")

    async def wrap_run(self, ctx: RunContext[Any], *, handler: Any) -> Any:
        self.log.append(f"{self.name}.wrap_run>")
        result = await handler()
        self.log.append(f"{self.name}.wrap_run<")
        return result

    async def after_run(self, ctx: RunContext[Any], *, result: Any) -> Any:
        self.log.append(f"{self.name}.after_run")
        return result

    async def before_model_request(self, ctx: RunContext[Any], request_context: ModelRequestContext) -> Any:
        self.log.append(f"{self.name}.before_model")
        return request_context

    async def wrap_model_request(self, ctx: RunContext[Any], *, request_context: Any, handler: Any) -> Any:
        self.log.append(f"{self.name}.wrap_model>")
        response = await handler(request_context)
        self.log.append(f"{self.name}.wrap_model<")
        return response

    async def after_model_request(self, ctx: RunContext[Any], *, request_context: Any, response: Any) -> Any:
        self.log.append(f"{self.name}.after_model")
        return response

    async def before_tool_execute(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
        self.log.append(f"{self.name}.before_tool:{call.tool_name}")
        return args

    async def after_tool_execute(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, result: Any
    ) -> Any:
        self.log.append(f"{self.name}.after_tool")
        return result


async def test_hook_families_compose_in_order() -> None:
    log: list[str] = []
    agent = Agent(
        scripted_model([ToolCallPart("t", {}, "c")], [TextPart("done")]), capabilities=[Log("a", log), Log("b", log)]
    )
    agent.tool_plain(lambda: "r", name="t")
    await agent.run("go")
    assert log[:4] == ["a.before_run", "b.before_run", "a.wrap_run>", "b.wrap_run>"]
    assert log[4:11] == [
        "a.before_model",
        "b.before_model",
        "a.wrap_model>",
        "b.wrap_model>",
        "b.wrap_model<",
        "a.wrap_model<",
        "b.after_model",
    ]
    assert log[11:15] == ["a.after_model", "a.before_tool:t", "b.before_tool:t", "b.after_tool"]
    assert log[-4:] == ["b.wrap_run<", "a.wrap_run<", "b.after_run", "a.after_run"]


async def test_model_request_hooks_change_skip_and_recover() -> None:
    seen: list[list[ModelMessage]] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(messages)
        if len(seen) > 1:
            raise ConnectionError("model down")
        return ModelResponse(parts=[TextPart("from the model")])

    class Guard(AbstractCapability):
        async def before_model_request(self, ctx: RunContext[Any], request_context: ModelRequestContext) -> Any:
            request_context.messages = [ModelRequest(parts=[SystemPromptPart("be safe")]), *request_context.messages]
            return request_context

        async def on_model_request_error(self, ctx: RunContext[Any], *, request_context: Any, error: Exception) -> Any:
            return ModelResponse(parts=[TextPart(f"recovered from {error}")])

    agent = Agent(FunctionModel(model), capabilities=[Guard()])
    assert (await agent.run("go")).output == "from the model"
    assert seen[0][0].parts[0].content == "be safe"
    assert (await agent.run("again")).output == "recovered from model down"

    class Cache(AbstractCapability):
        async def wrap_model_request(self, ctx: RunContext[Any], *, request_context: Any, handler: Any) -> Any:
            raise SkipModelRequest(ModelResponse(parts=[TextPart("cached")]))

    seen.clear()
    result = await Agent(FunctionModel(model), capabilities=[Cache()]).run("go")
    assert (result.output, seen, result.usage().requests) == ("cached", [], 1)


async def test_model_retry_from_a_model_request_hook_asks_again() -> None:
    class Strict(AbstractCapability):
        async def after_model_request(self, ctx: RunContext[Any], *, request_context: Any, response: Any) -> Any:
            if response.text == "bad":
                raise ModelRetry("no bad words")
            return response

    model = scripted_model([TextPart("bad")], [TextPart("good")])
    result = await Agent(model, capabilities=[Strict()]).run("go")
    assert result.output == "good"
    assert model.calls[1][-1].parts[0].content == "no bad words"


async def test_tool_hooks_change_args_short_circuit_and_recover() -> None:
    calls = [ToolCallPart("add", {"a": 1}, "c1"), ToolCallPart("boom", {}, "c2"), ToolCallPart("skip", {}, "c3")]
    agent = Agent(scripted_model(calls, [TextPart("done")]))
    ran: list[str] = []

    @agent.tool_plain
    def add(a: int) -> int:
        ran.append(f"add {a}")
        return a + 1

    @agent.tool_plain
    def boom() -> str:
        raise RuntimeError("tool broke")

    @agent.tool_plain
    def skip() -> str:
        ran.append("skip ran")
        return "never"

    class Tools(AbstractCapability):
        async def before_tool_execute(
            self, ctx: RunContext[Any], *, call: Any, tool_def: ToolDefinition, args: Any
        ) -> Any:
            return {**args, "a": 10} if call.tool_name == "add" else args

        async def wrap_tool_execute(
            self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, handler: Any
        ) -> Any:
            return "short-circuited" if call.tool_name == "skip" else await handler(args)

        async def on_tool_execute_error(
            self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, error: Exception
        ) -> Any:
            return f"recovered: {error}"

    agent_with_hooks = Agent(
        agent.model, tools=[agent._tools[n] for n in ("add", "boom", "skip")], capabilities=[Tools()]
    )
    result = await agent_with_hooks.run("go")
    assert [p.content for p in result.all_messages()[2].parts] == [11, "recovered: tool broke", "short-circuited"]
    assert ran == ["add 10"]


async def test_run_hooks_short_circuit_and_recover() -> None:
    class Canned(AbstractCapability):
        async def wrap_run(self, ctx: RunContext[Any], *, handler: Any) -> Any:
            return AgentRunResult("canned")

    model = scripted_model([TextPart("real")])
    assert (await Agent(model, capabilities=[Canned()]).run("go")).output == "canned"
    assert model.calls == []

    async def failing(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise ValueError("nope")

    class Rescue(AbstractCapability):
        async def on_run_error(self, ctx: RunContext[Any], *, error: Exception) -> Any:
            return AgentRunResult(f"rescued: {error}")

        async def after_run(self, ctx: RunContext[Any], *, result: Any) -> Any:
            return AgentRunResult(result.output.upper())

    assert (await Agent(FunctionModel(failing), capabilities=[Rescue()]).run("go")).output == "RESCUED: NOPE"


async def test_wrap_run_around_a_run_driven_with_iter() -> None:
    log: list[str] = []
    agent = Agent(scripted_model([TextPart("driven")]), capabilities=[Log("a", log)])
    async with agent.iter("go") as run:
        assert log == ["a.before_run", "a.wrap_run>"]  # the wrap hook's task is waiting for the run
        async for _ in run:
            pass
        assert run.result is not None
        assert run.result.output == "driven"
    assert log[-3:] == ["a.after_model", "a.wrap_run<", "a.after_run"]

    class Canned(AbstractCapability):
        async def wrap_run(self, ctx: RunContext[Any], *, handler: Any) -> Any:
            return AgentRunResult("short")

    model = scripted_model([TextPart("never")])
    async with Agent(model, capabilities=[Canned()]).iter("go") as run:
        node = await run.next(run.next_node)  # type: ignore[arg-type]
    assert isinstance(node, End)
    assert run.result is not None
    assert run.result.output == "short"
    assert model.calls == []


async def test_event_stream_hook_filters_events_and_turns_streaming_on() -> None:
    seen_by_hook: list[str] = []

    class NoDeltas(AbstractCapability):
        def wrap_run_event_stream(self, ctx: RunContext[Any], *, stream: AsyncIterable[Any]) -> AsyncIterable[Any]:
            async def filtered() -> AsyncIterator[Any]:
                async for event in stream:
                    seen_by_hook.append(type(event).__name__)
                    if not isinstance(event, PartDeltaEvent):
                        yield event

            return filtered()

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "a"
        yield "b"

    agent = Agent(FunctionModel(stream_function=stream), capabilities=[NoDeltas()])
    assert (await agent.run("go")).output == "ab"  # no listener, but the hook sees the stream
    model_events = ["PartStartEvent", "FinalResultEvent", "PartDeltaEvent", "PartEndEvent"]
    assert seen_by_hook == model_events
    seen_by_hook.clear()
    async with agent.run_stream_events("go") as events:
        kinds = [type(e).__name__ async for e in events]
    assert seen_by_hook == model_events  # the delta reached the hook, which dropped it
    assert kinds == ["PartStartEvent", "FinalResultEvent", "PartEndEvent", "AgentRunResultEvent"]


@pytest.mark.parametrize("hook", ["before_model_request", "before_tool_execute"])
def test_only_overridden_hooks_are_called(hook: str) -> None:
    from trio_agent._capabilities.combined import CombinedCapability

    class Only(AbstractCapability):
        pass

    setattr(Only, hook, AbstractCapability.__dict__[hook])
    combined = CombinedCapability([Only()])
    assert not combined.has_model_request_hooks
    assert not combined.has_tool_hooks

    class Overriding(AbstractCapability):  # the control: a real override of the same hook is seen
        pass

    async def overridden(self: Any, ctx: RunContext[Any], **kwargs: Any) -> Any:
        raise AssertionError("not called here")

    setattr(Overriding, hook, overridden)
    real = CombinedCapability([Only(), Overriding()])
    is_model_hook = hook == "before_model_request"
    assert (real.has_model_request_hooks, real.has_tool_hooks) == (is_model_hook, not is_model_hook)
