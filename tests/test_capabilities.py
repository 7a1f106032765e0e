"""Node hooks on capabilities: order, replacement, short-circuit, recovery."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import scripted_model
from trio_agent import Agent, CallToolsNode, End, FinalResult, ModelRequestNode, RunContext
from trio_agent.capabilities import AbstractCapability, NodeResult, NodeRunHandler
from trio_agent.messages import ModelRequest, ModelResponse, TextPart, UserPromptPart
from trio_agent.models.function import AgentInfo, FunctionModel


class Recorder(AbstractCapability):
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    async def before_node_run(self, ctx: RunContext[Any], *, node: Any) -> Any:
        self.log.append(f"{self.name}.before:{type(node).__name__}")
        return node

    async def wrap_node_run(self, ctx: RunContext[Any], *, node: Any, handler: NodeRunHandler) -> NodeResult:
        self.log.append(f"{self.name}.wrap>")
        result = await handler(node)
        self.log.append(f"{self.name}.wrap<")
        return result

    async def after_node_run(self, ctx: RunContext[Any], *, node: Any, result: NodeResult) -> NodeResult:
        self.log.append(f"{self.name}.after:{type(result).__name__}")
        return result


async def test_hooks_compose_before_in_order_after_in_reverse_wrap_nested() -> None:
    log: list[str] = []
    agent = Agent(scripted_model([TextPart("ok")]), capabilities=[Recorder("a", log), Recorder("b", log)])
    await agent.run("hi")

    def one_node(node: str, result: str) -> list[str]:
        return [
            f"a.before:{node}",
            f"b.before:{node}",
            "a.wrap>",
            "b.wrap>",
            "b.wrap<",
            "a.wrap<",
            f"b.after:{result}",
            f"a.after:{result}",
        ]

    assert log == [  # prompt, request, call-tools: each node in turn
        *one_node("UserPromptNode", "ModelRequestNode"),
        *one_node("ModelRequestNode", "CallToolsNode"),
        *one_node("CallToolsNode", "End"),
    ]


async def test_async_for_does_not_run_node_hooks_but_next_does() -> None:
    log: list[str] = []
    agent = Agent(scripted_model([TextPart("a")], [TextPart("b")]), capabilities=[Recorder("a", log)])
    async with agent.iter("hi") as run:
        async for _ in run:
            pass
    assert log == []
    async with agent.iter("hi") as run:
        await run.next(run.next_node)  # type: ignore[arg-type]
    assert log == ["a.before:UserPromptNode", "a.wrap>", "a.wrap<", "a.after:ModelRequestNode"]


async def test_before_node_run_can_replace_the_node() -> None:
    class Rewrite(AbstractCapability):
        async def before_node_run(self, ctx: RunContext[Any], *, node: Any) -> Any:
            if isinstance(node, ModelRequestNode):
                return ModelRequestNode(ModelRequest(parts=[UserPromptPart("rewritten")]))
            return node

    model = scripted_model([TextPart("ok")])
    await Agent(model, capabilities=[Rewrite()]).run("original")
    assert model.calls[0][-1].parts[0].content == "rewritten"


async def test_wrap_node_run_can_short_circuit_and_after_node_run_can_change_the_result() -> None:
    class Canned(AbstractCapability):
        async def wrap_node_run(self, ctx: RunContext[Any], *, node: Any, handler: NodeRunHandler) -> NodeResult:
            if isinstance(node, ModelRequestNode):
                return CallToolsNode(ModelResponse(parts=[TextPart("canned")]))
            return await handler(node)

    class Upper(AbstractCapability):
        async def after_node_run(self, ctx: RunContext[Any], *, node: Any, result: NodeResult) -> NodeResult:
            if isinstance(result, End):
                return End(FinalResult(result.data.output.upper()))
            return result

    model = scripted_model()
    result = await Agent(model, capabilities=[Canned(), Upper()]).run("hi")
    assert result.output == "CANNED"
    assert model.calls == []


async def test_on_node_run_error_recovers_or_propagates() -> None:
    async def broken(messages: list, info: AgentInfo) -> ModelResponse:
        raise ConnectionError("model down")

    class Fallback(AbstractCapability):
        async def on_node_run_error(self, ctx: RunContext[Any], *, node: Any, error: Exception) -> NodeResult:
            if isinstance(error, ConnectionError):
                return CallToolsNode(ModelResponse(parts=[TextPart("fallback answer")]))
            raise error

    class Observer(AbstractCapability):
        def __init__(self) -> None:
            self.errors: list[str] = []

        async def on_node_run_error(self, ctx: RunContext[Any], *, node: Any, error: Exception) -> NodeResult:
            self.errors.append(str(error))
            raise error

    observer = Observer()
    result = await Agent(FunctionModel(broken), capabilities=[Fallback(), observer]).run("hi")
    assert result.output == "fallback answer"
    assert observer.errors == ["model down"]  # reverse order: the later capability sees the error first

    with pytest.raises(ConnectionError, match="model down"):
        await Agent(FunctionModel(broken), capabilities=[Observer()]).run("hi")


async def test_hooks_see_the_run_context() -> None:
    seen: list[tuple[str, int]] = []

    class Watch(AbstractCapability):
        async def before_node_run(self, ctx: RunContext[Any], *, node: Any) -> Any:
            seen.append((type(node).__name__, ctx.run_step))
            return node

    await Agent(scripted_model([TextPart("ok")]), capabilities=[Watch()]).run("hi", deps=None)
    assert seen == [("UserPromptNode", 0), ("ModelRequestNode", 0), ("CallToolsNode", 1)]
