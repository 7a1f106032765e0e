"""Agent configuration: instructions, system prompts, deps, settings, usage limits, run_sync, override."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import trio

from conftest import scripted_model
from trio_agent import Agent, RunContext, UsageLimitExceeded, UsageLimits, UserError
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, SystemPromptPart, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.usage import RequestUsage


@dataclass
class User:
    name: str


async def test_static_and_decorated_instructions_are_sent_with_every_request() -> None:
    seen: list[str | None] = []

    async def model_fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.instructions)
        if len(seen) == 1:
            return ModelResponse(parts=[ToolCallPart("noop", {}, "c1")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(model_fn), instructions="Be brief.", deps_type=User)

    @agent.instructions
    def sync_instructions(ctx: RunContext[User]) -> str:
        return f"The user is {ctx.deps.name} (step {ctx.run_step})."

    @agent.instructions
    async def async_instructions() -> str | None:
        return None  # omitted

    @agent.tool_plain
    def noop() -> str:
        return "ok"

    result = await agent.run("hi", deps=User("Ada"))
    assert seen == ["Be brief.\n\nThe user is Ada (step 1).", "Be brief.\n\nThe user is Ada (step 2)."]
    requests = [m for m in result.all_messages() if isinstance(m, ModelRequest)]
    assert [r.instructions for r in requests] == seen
    assert all(not isinstance(p, SystemPromptPart) for r in requests for p in r.parts)


async def test_system_prompts_start_a_new_conversation_only() -> None:
    model = scripted_model([TextPart("one")], [TextPart("two")])
    agent = Agent(model, system_prompt=["You are terse.", "You are kind."], deps_type=User)

    @agent.system_prompt
    async def greet(ctx: RunContext[User]) -> str:
        return f"Address the user as {ctx.deps.name}."

    @agent.system_prompt
    def empty() -> str:
        return ""

    first = await agent.run("hi", deps=User("Ada"))
    parts = first.all_messages()[0].parts
    assert [p.content for p in parts] == ["You are terse.", "You are kind.", "Address the user as Ada.", "hi"]
    second = await agent.run("again", message_history=first.all_messages(), deps=User("Ada"))
    assert sum(isinstance(p, SystemPromptPart) for m in second.all_messages() for p in m.parts) == 3


async def test_dynamic_system_prompt_is_refreshed_when_history_is_continued() -> None:
    model = scripted_model([TextPart("one")], [TextPart("two")])
    agent = Agent(model, deps_type=User)

    @agent.system_prompt(dynamic=True)
    def who(ctx: RunContext[User]) -> str:
        return f"User: {ctx.deps.name}"

    first = await agent.run("hi", deps=User("Ada"))
    assert first.all_messages()[0].parts[0] == SystemPromptPart(
        "User: Ada", dynamic_ref=who.__qualname__, timestamp=first.all_messages()[0].parts[0].timestamp
    )
    second = await agent.run("again", message_history=first.all_messages(), deps=User("Grace"))
    assert second.all_messages()[0].parts[0].content == "User: Grace"


async def test_model_settings_merge_agent_then_run() -> None:
    seen = []

    async def model_fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.model_settings)
        return ModelResponse(parts=[TextPart("ok")])

    model = FunctionModel(model_fn, settings={"seed": 1, "temperature": 0.1})
    agent = Agent(model, model_settings={"temperature": 0.5, "max_tokens": 10})
    await agent.run("hi", model_settings={"max_tokens": 20})
    assert seen == [{"seed": 1, "temperature": 0.5, "max_tokens": 20}]


async def test_request_limit_stops_before_the_request() -> None:
    model = scripted_model(*[[ToolCallPart("again", {}, f"c{i}")] for i in range(5)])
    agent = Agent(model)

    @agent.tool_plain
    def again() -> str:
        return "more"

    with pytest.raises(UsageLimitExceeded, match="The next request would exceed the request_limit of 2"):
        await agent.run("loop", usage_limits=UsageLimits(request_limit=2))
    assert len(model.calls) == 2


async def test_tool_calls_limit_stops_before_the_tools_run() -> None:
    ran = []
    model = scripted_model([ToolCallPart("t", {}, "a"), ToolCallPart("t", {}, "b")])
    agent = Agent(model)

    @agent.tool_plain
    def t() -> str:
        ran.append(1)
        return "x"

    with pytest.raises(UsageLimitExceeded, match=r"tool_calls_limit of 1 \(tool_calls=2\)"):
        await agent.run("go", usage_limits=UsageLimits(tool_calls_limit=1))
    assert ran == []


async def test_token_limit_checked_after_the_response_which_is_not_kept() -> None:
    async def model_fn(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("long")], usage=RequestUsage(input_tokens=5, output_tokens=11))

    agent = Agent(FunctionModel(model_fn))
    with pytest.raises(UsageLimitExceeded, match=r"Exceeded the output_tokens_limit of 10 \(output_tokens=11\)"):
        async with agent.iter("go", usage_limits=UsageLimits(output_tokens_limit=10)) as run:
            async for _ in run:
                pass
    assert [m.kind for m in run.all_messages()] == ["request"]


async def test_usage_passed_in_keeps_counting() -> None:
    first = await Agent("test").run("Hello")
    second = await Agent("test").run("Hello", usage=first.usage())
    assert second.usage().requests == 2
    assert first.usage().requests == 1


def test_run_sync_outside_trio() -> None:
    result = Agent("test").run_sync("Hello")
    assert result.output == "success (no tool calls)"


async def test_run_sync_inside_trio_is_a_clear_error() -> None:
    with pytest.raises(UserError, match=r"cannot be called from inside a running trio loop.*await agent.run"):
        Agent("test").run_sync("Hello")


async def test_run_sync_from_a_worker_thread_starts_its_own_loop() -> None:
    result = await trio.to_thread.run_sync(Agent("test").run_sync, "Hello")
    assert result.output == "success (no tool calls)"


async def test_override_replaces_model_and_deps() -> None:
    agent = Agent(scripted_model([TextPart("real")]), deps_type=User)

    @agent.instructions
    def name(ctx: RunContext[User]) -> str:
        return ctx.deps.name

    with agent.override(model=TestModel(custom_output_text="fake"), deps=User("stub")):
        result = await agent.run("hi", deps=User("real"))
    assert result.output == "fake"
    assert result.all_messages()[0].instructions == "stub"


async def test_metadata_and_ids() -> None:
    agent = Agent("test", metadata={"team": "a"})
    result = await agent.run("x", run_id="run-1", conversation_id="conv-1")
    assert (result.run_id, result.conversation_id, result.metadata) == ("run-1", "conv-1", {"team": "a"})
    fresh = await agent.run("x", message_history=result.all_messages(), conversation_id="new")
    assert fresh.conversation_id not in ("conv-1", "new", fresh.run_id)
    # "new" asks for a fresh id: a UUIDv7, on every message of the run
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", fresh.conversation_id)
    assert {m.conversation_id for m in fresh.new_messages()} == {fresh.conversation_id}
    with pytest.raises(UserError, match="run_id"):
        await agent.run("x", run_id="")
    overridden = await agent.run("x", metadata={"team": "b"})
    assert overridden.metadata == {"team": "b"}


async def test_metadata_given_as_a_function_is_resolved_as_the_run_starts() -> None:
    seen: list[object] = []
    agent = Agent("test", metadata=lambda ctx: {"prompt": ctx.prompt, "run_id": ctx.run_id})

    @agent.tool
    def look(ctx: RunContext[None]) -> str:
        seen.append(ctx.metadata)
        return "ok"

    result = await agent.run("hello", run_id="run-1")
    assert result.metadata == {"prompt": "hello", "run_id": "run-1"}
    assert seen == [result.metadata]  # what tools see is the resolved mapping, not the function
    own = await agent.run("x", metadata=lambda ctx: {"mine": ctx.prompt})
    assert own.metadata == {"mine": "x"}
    with agent.override(metadata=lambda ctx: {"block": True}):
        assert (await agent.run("y")).metadata == {"block": True}


def test_defer_model_check_resolves_the_model_at_the_first_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        Agent("openai:gpt-4o")
    agent = Agent("openai:gpt-4o", defer_model_check=True)  # no key needed to define it
    assert repr(agent) == "Agent(model='openai:gpt-4o', name=None)"
    with agent.override(model=TestModel(custom_output_text="offline")):
        assert agent.run_sync("hi").output == "offline"
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        agent.run_sync("hi")  # the first run without an override resolves the name, and needs the key
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert agent.model is not None
    assert agent.model.model_name == "gpt-4o"
