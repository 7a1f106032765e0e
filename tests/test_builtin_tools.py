"""Built-in tools (``builtin_tools=``): given to the agent, to one run, or in an ``override`` block, they reach
the model in ``ModelRequestParameters.native_tools``, one per ``unique_id``; a model whose profile does not
support one refuses the request with ``UserError``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from trio_agent import Agent, RunContext, Tool, UserError
from trio_agent.builtin_tools import (
    SUPPORTED_BUILTIN_TOOLS,
    AbstractBuiltinTool,
    CodeExecutionTool,
    MCPServerTool,
    UrlContextTool,
    WebSearchTool,
)
from trio_agent.messages import ModelMessage, ModelResponse, TextPart
from trio_agent.models import Model, ModelRequestParameters
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.profiles import ModelProfile


def _recording_model() -> tuple[FunctionModel, list[list[AbstractBuiltinTool]]]:
    """A model that answers 'done' and records the built-in tools of each request."""
    seen: list[list[AbstractBuiltinTool]] = []

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(list(info.model_request_parameters.native_tools))
        return ModelResponse(parts=[TextPart("done")])

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        seen.append(list(info.model_request_parameters.native_tools))
        yield "done"

    return FunctionModel(answer, stream_function=stream), seen


async def test_agent_and_run_builtin_tools_reach_the_model_and_a_runs_tool_replaces_the_agents() -> None:
    model, seen = _recording_model()
    agent = Agent(model, builtin_tools=[WebSearchTool(), CodeExecutionTool()])
    await agent.run("x")
    assert seen[-1] == [WebSearchTool(), CodeExecutionTool()]
    await agent.run("x", builtin_tools=[WebSearchTool(search_context_size="high"), UrlContextTool()])
    # One per `unique_id` (the kind): the run's web search replaces the agent's, in the agent's tool's place.
    assert seen[-1] == [WebSearchTool(search_context_size="high"), CodeExecutionTool(), UrlContextTool()]
    assert seen[-1][0].unique_id == "web_search"


async def test_mcp_server_tools_are_told_apart_by_id() -> None:
    model, seen = _recording_model()
    agent = Agent(model, builtin_tools=[MCPServerTool(id="a", url="https://a"), MCPServerTool(id="b", url="https://b")])
    await agent.run("x", builtin_tools=[MCPServerTool(id="a", url="https://a2")])
    assert [(t.unique_id, getattr(t, "url", None)) for t in seen[-1]] == [
        ("mcp_server:a", "https://a2"),
        ("mcp_server:b", "https://b"),
    ]


async def test_a_builtin_tool_function_chooses_the_tool_of_each_request() -> None:
    model, seen = _recording_model()
    steps: list[int] = []

    async def search_after_the_first_step(ctx: RunContext[Any]) -> AbstractBuiltinTool | None:
        steps.append(ctx.run_step)
        return WebSearchTool() if ctx.deps == "search" else None

    agent = Agent(model, builtin_tools=[search_after_the_first_step], deps_type=str)
    await agent.run("x", deps="search")
    await agent.run("x", deps="quiet")
    assert seen == [[WebSearchTool()], []]
    assert steps == [1, 1]


async def test_every_entry_point_takes_builtin_tools() -> None:
    model, seen = _recording_model()
    agent = Agent(model)
    async with agent.iter("x", builtin_tools=[WebSearchTool()]) as run:
        async for _ in run:
            pass
    async with agent.run_stream("x", builtin_tools=[CodeExecutionTool()]) as result:
        await result.get_output()
    async with agent.run_stream_events("x", builtin_tools=[UrlContextTool()]) as events:
        async for _ in events:
            pass
    assert seen == [[WebSearchTool()], [CodeExecutionTool()], [UrlContextTool()]]


def test_run_sync_and_override_take_builtin_tools() -> None:
    model, seen = _recording_model()
    agent = Agent(model, builtin_tools=[WebSearchTool()])
    agent.run_sync("x", builtin_tools=[CodeExecutionTool()])
    assert seen[-1] == [WebSearchTool(), CodeExecutionTool()]
    with agent.override(builtin_tools=[UrlContextTool()]):
        agent.run_sync("x")
        assert seen[-1] == [UrlContextTool()]
        agent.run_sync("x", builtin_tools=[CodeExecutionTool()])
        assert seen[-1] == [UrlContextTool(), CodeExecutionTool()]
    agent.run_sync("x")
    assert seen[-1] == [WebSearchTool()]


def test_test_model_refuses_builtin_tools() -> None:
    agent = Agent(TestModel(), builtin_tools=[WebSearchTool()])
    with pytest.raises(UserError, match="TestModel does not support built-in tools"):
        agent.run_sync("x")


def test_a_profile_without_the_tool_type_refuses_it_naming_what_it_supports() -> None:
    model, seen = _recording_model()
    narrowed = FunctionModel(model.function, profile=ModelProfile(supported_builtin_tools=frozenset({WebSearchTool})))
    agent = Agent(narrowed, builtin_tools=[WebSearchTool(), CodeExecutionTool()])
    with pytest.raises(
        UserError,
        match=r"Builtin tool\(s\) \['CodeExecutionTool'\] not supported by this model\. Supported: \['WebSearchTool'\]",
    ):
        agent.run_sync("x")
    assert seen == []


class _PlainModel(Model):
    """A model class that implements no built-in tools (as the HTTP adapters that do not send them)."""

    async def request(
        self, messages: list[ModelMessage], model_settings: Any, model_request_parameters: ModelRequestParameters
    ) -> ModelResponse:
        self.prepare_request(model_settings, model_request_parameters)
        return ModelResponse(parts=[TextPart("ok")])

    @property
    def model_name(self) -> str:
        return "plain"

    @property
    def system(self) -> str:
        return "plain"


def test_a_model_class_supports_only_the_builtin_tools_it_implements() -> None:
    model = _PlainModel(profile=ModelProfile(supported_builtin_tools=SUPPORTED_BUILTIN_TOOLS))
    assert model.profile.supported_builtin_tools == frozenset()
    assert TestModel().profile.supported_builtin_tools == SUPPORTED_BUILTIN_TOOLS
    assert FunctionModel(lambda m, i: ModelResponse(parts=[])).profile.supported_builtin_tools == (
        SUPPORTED_BUILTIN_TOOLS
    )
    assert Agent(model).run_sync("x").output == "ok"
    with pytest.raises(UserError, match=r"Builtin tool\(s\) \['WebSearchTool'\] not supported by this model"):
        Agent(model, builtin_tools=[WebSearchTool()]).run_sync("x")


def test_the_http_adapters_default_profiles_support_no_builtin_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    from trio_agent.models import infer_model

    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    for name in ("openai:gpt-4o", "anthropic:claude-sonnet-4-5"):
        model = infer_model(name)
        with pytest.raises(UserError, match=r"Builtin tool\(s\) \['WebSearchTool'\] not supported"):
            model.prepare_request(None, ModelRequestParameters(native_tools=[WebSearchTool()]))


def test_prepare_request_keeps_one_tool_per_unique_id() -> None:
    _, params = TestModel().prepare_request(
        None, ModelRequestParameters(native_tools=[WebSearchTool(), CodeExecutionTool(), WebSearchTool(max_uses=2)])
    )
    assert params.native_tools == [WebSearchTool(max_uses=2), CodeExecutionTool()]
    assert params.builtin_tools is params.native_tools


def test_a_plain_tools_args_validator_receives_the_run_context() -> None:
    seen: list[tuple[str | None, int]] = []

    def check(ctx: RunContext[None], n: int) -> None:
        seen.append((ctx.tool_name, n))

    def double(n: int) -> int:
        return 2 * n

    agent = Agent(TestModel(), tools=[Tool(double, args_validator=check)])
    agent.tool_plain(lambda: "pong", name="ping")
    result = agent.run_sync("x")
    assert seen == [("double", 0)]
    assert result.output == '{"double":0,"ping":"pong"}'


def test_the_agents_own_tools_carry_its_toolset_id() -> None:
    model = TestModel()
    agent = Agent(model)

    @agent.tool_plain
    def ping() -> str:
        return "pong"

    agent.run_sync("x")
    params = model.last_model_request_parameters
    assert params is not None
    assert [(t.name, t.toolset_id) for t in params.function_tools] == [("ping", "<agent>")]
    assert agent._function_toolset.id == "<agent>"  # pyright: ignore[reportPrivateUsage]


def test_running_without_a_model_names_both_ways_to_give_one() -> None:
    with pytest.raises(UserError, match="`model` must either be set on the agent or included when calling it"):
        Agent().run_sync("x")


def test_request_parameters_take_builtin_tools_as_the_earlier_name_of_native_tools() -> None:
    params = ModelRequestParameters(builtin_tools=[WebSearchTool()])
    assert params.native_tools == [WebSearchTool()]
    assert params.builtin_tools == [WebSearchTool()]
    with pytest.raises(UserError, match="not both"):
        ModelRequestParameters(builtin_tools=[WebSearchTool()], native_tools=[CodeExecutionTool()])
