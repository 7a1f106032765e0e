"""The engine's one entrance: an agent compiles into an immutable spec, once, and again only when it changes or
inside ``override`` (that the engine never imports the agent is checked in ``test_layout``)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import scripted_model
from trio_agent import Agent, RunContext
from trio_agent.messages import TextPart, ToolCallPart
from trio_agent.models.test import TestModel


def test_the_spec_is_compiled_once_and_shared_by_runs() -> None:
    agent = Agent(TestModel())
    first = agent._compiled()
    agent.run_sync("a")
    agent.run_sync("b")
    assert agent._compiled() is first


async def test_changing_the_agent_compiles_a_new_spec_for_later_runs() -> None:
    model = scripted_model([TextPart("one")], [TextPart("two")], [TextPart("three")])
    agent = Agent(model, instructions="Be brief.")
    before = agent._compiled()
    await agent.run("a")

    @agent.tool_plain
    def lookup(city: str) -> str:
        return city

    @agent.instructions
    def dynamic() -> str:
        return "And kind."

    assert agent._compiled() is not before
    assert before.static_tools is not None  # the old spec is immutable: runs already started keep seeing it
    assert set(before.static_tools) == set()
    await agent.run("b")
    assert [t.name for t in model.infos[1].function_tools] == ["lookup"]
    assert model.infos[1].instructions == "Be brief.\n\nAnd kind."

    agent.model_settings = {"temperature": 0.5}
    agent.metadata = {"team": "a"}
    result = await agent.run("c")
    assert model.infos[2].model_settings == {"temperature": 0.5}
    assert result.metadata == {"team": "a"}


def test_a_spec_refuses_changes() -> None:
    spec = Agent(TestModel())._compiled()
    with pytest.raises(AttributeError):
        spec.static_tools = {}  # type: ignore[misc]
    assert spec.static_tools is not None
    with pytest.raises(TypeError):
        spec.static_tools["x"] = None  # type: ignore[index]


async def test_run_config_refuses_changes() -> None:
    agent = Agent(TestModel())
    async with agent.iter("x") as run:
        config = run.ctx.deps
        with pytest.raises(AttributeError, match="immutable"):
            config.deps = 1


async def test_override_replaces_configuration_inside_the_block_only() -> None:
    model = scripted_model([TextPart("real")], [TextPart("after")])
    agent = Agent(model, name="agent", instructions="Real.", metadata={"env": "prod"}, model_settings={"seed": 1})

    @agent.tool_plain
    def real_tool() -> str:
        return "real"

    def fake_tool() -> str:
        return "fake"

    fake = scripted_model([ToolCallPart("fake_tool", {}, "c1")], [TextPart("fake")])
    with agent.override(
        model=fake,
        name="test",
        instructions="Fake.",
        tools=[fake_tool],
        metadata={"env": "test"},
        model_settings={"seed": 2},
    ):
        result = await agent.run("x", model=model)  # an override wins over the run's own model
        assert agent._compiled().name == "test"
    assert result.output == "fake"
    assert result.metadata == {"env": "test"}
    assert [t.name for t in fake.infos[0].function_tools] == ["fake_tool"]
    assert (fake.infos[0].instructions, fake.infos[0].model_settings) == ("Fake.", {"seed": 2})
    assert result.all_messages()[2].parts[0].content == "fake"  # type: ignore[union-attr]

    after = await agent.run("y")
    assert after.output == "real"
    assert [t.name for t in model.infos[0].function_tools] == ["real_tool"]
    assert (model.infos[0].instructions, model.infos[0].model_settings) == ("Real.", {"seed": 1})
    assert agent._compiled().name == "agent"


async def test_override_deps_replace_the_run_deps() -> None:
    agent = Agent(scripted_model([TextPart("a")]), deps_type=str)

    @agent.instructions
    def who(ctx: RunContext[str]) -> str:
        return ctx.deps

    with agent.override(deps="stub"):
        result = await agent.run("x", deps="real")
    assert result.all_messages()[0].instructions == "stub"  # type: ignore[union-attr]


async def test_a_model_named_per_run_is_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import trio_agent._engine.spec as spec_module

    resolved: list[str] = []
    real = spec_module.infer_model

    def counting(name: Any) -> Any:
        resolved.append(name)
        return real(name)

    monkeypatch.setattr(spec_module, "infer_model", counting)
    agent = Agent(TestModel(custom_output_text="default"))
    outputs = [(await agent.run("x", model="test")).output for _ in range(3)]
    assert outputs == ["success (no tool calls)"] * 3  # the named model answered, not the agent's own
    assert resolved == ["test"]


async def test_a_commit_cannot_be_interrupted_by_control_c(monkeypatch: pytest.MonkeyPatch) -> None:
    import trio

    from trio_agent._engine.mailbox import Mailbox

    protected: list[bool] = []
    real = Mailbox.end_or_collect

    def recording(self: Mailbox, reason: str) -> Any:
        protected.append(trio.lowlevel.currently_ki_protected())
        return real(self, reason)

    monkeypatch.setattr(Mailbox, "end_or_collect", recording)
    async with Agent(TestModel()).iter("x") as run:
        async for _ in run:
            pass
    await Agent(TestModel()).run("x")
    assert protected == [True, True]
