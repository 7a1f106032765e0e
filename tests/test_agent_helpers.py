"""Helpers ported from the reference API: node predicates, the ``OpenAIModel`` alias, ``Agent.to_cli``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio
from pydantic import BaseModel

from trio_agent import Agent, RunContext, UsageLimits, UserError
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, UserPromptPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.providers.openai import OpenAIProvider

# -- node predicates ------------------------------------------------------------------------------------


async def test_node_predicates_tell_each_node_of_a_run() -> None:
    agent = Agent(TestModel())

    @agent.tool_plain
    def lookup(city: str) -> str:
        return "sunny"

    seen: list[str] = []
    async with agent.iter("Weather?") as run:
        async for node in run:
            flags = [
                Agent.is_user_prompt_node(node),
                Agent.is_model_request_node(node),
                agent.is_call_tools_node(node),  # static: on the class or an instance
                agent.is_end_node(node),
            ]
            assert flags.count(True) == 1
            seen.append(["user prompt", "model request", "call tools", "end"][flags.index(True)])
    assert seen == ["user prompt", "model request", "call tools", "model request", "call tools", "end"]


# -- OpenAIModel ------------------------------------------------------------------------------------------


def test_openai_model_is_the_chat_model_under_its_deprecated_name() -> None:
    from trio_agent.models import openai

    assert "OpenAIModel" in openai.__all__
    with pytest.warns(DeprecationWarning, match=r"`OpenAIModel` is deprecated: use `OpenAIChatModel`"):
        model = openai.OpenAIModel("gpt-4o", provider=OpenAIProvider(api_key="sk-test"))
    assert isinstance(model, openai.OpenAIChatModel)
    assert (model.model_name, model.model_id) == ("gpt-4o", "openai:gpt-4o")


# -- to_cli ---------------------------------------------------------------------------------------------


def scripted_input(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> list[str]:
    """Make ``input`` return ``lines`` one by one, then raise EOF. Returns the prompts shown."""
    pending, prompts = list(lines), []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        if pending:
            return pending.pop(0)
        raise EOFError

    monkeypatch.setattr("builtins.input", fake_input)
    return prompts


def echo_agent() -> Agent[str, str]:
    """Answers with its instructions (which name the deps) and how many messages it was sent."""

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        prompt = [p for p in messages[-1].parts if isinstance(p, UserPromptPart)][-1].content
        yield f"{info.instructions}; {len(messages)} messages; you said {prompt!r}"

    agent: Agent[str, str] = Agent(FunctionModel(stream_function=stream, model_name="echo"), deps_type=str)

    @agent.instructions
    def user(ctx: RunContext[str]) -> str:
        return f"The user is {ctx.deps}"

    return agent


async def test_to_cli_chats_with_the_agent(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    prompts = scripted_input(monkeypatch, ["Hello", "", "Again", "/exit", "never read"])
    history: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("Earlier")]),
        ModelResponse(parts=[TextPart("Noted")]),
    ]
    await echo_agent().to_cli(deps="Ada", prog_name="assistant", message_history=history)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "assistant with function:echo. /exit or Ctrl-D leaves; Ctrl-C cancels a reply."
    assert "The user is Ada; 3 messages; you said 'Hello'" in lines
    assert "The user is Ada; 5 messages; you said 'Again'" in lines  # the conversation went on
    assert prompts == ["assistant ➤ "] * 4


async def test_to_cli_passes_model_settings_limits_and_model(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted_input(monkeypatch, ["Hello"])
    settings: list[Any] = []

    async def other(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        settings.append(info.model_settings)
        yield "from the other model"

    await echo_agent().to_cli(
        deps="Ada",
        model=FunctionModel(stream_function=other, model_name="other"),
        model_settings={"temperature": 0.5},
        usage_limits=UsageLimits(request_limit=5),
    )
    out = capsys.readouterr().out
    assert out.startswith("trio-agent with function:other.")
    assert "from the other model" in out
    assert settings == [{"temperature": 0.5}]

    scripted_input(monkeypatch, ["Hello", "Hello again"])
    await echo_agent().to_cli(deps="Ada", usage_limits=UsageLimits(request_limit=0))
    out, err = capsys.readouterr()
    assert err.count("error: UsageLimitExceeded: ") == 2  # each turn failed; the chat went on to the end


def test_to_cli_sync_runs_its_own_trio_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    scripted_input(monkeypatch, ["Hello"])
    assert echo_agent().to_cli_sync(deps="Bob", prog_name="sync") is None
    assert "The user is Bob; 1 messages; you said 'Hello'" in capsys.readouterr().out.splitlines()


async def test_to_cli_sync_is_refused_inside_trio() -> None:
    with pytest.raises(UserError, match=r"`Agent.to_cli_sync\(\)` cannot be called from inside a running trio loop"):
        echo_agent().to_cli_sync(deps="Bob")


async def test_ctrl_c_during_a_reply_cancels_that_reply_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], autojump_clock: trio.abc.Clock
) -> None:
    from trio_agent._cli.chat import Interrupter, run_chat

    scripted_input(monkeypatch, ["Slow", "Fast"])
    interrupter = Interrupter()
    started = trio.Event()

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        prompt = [p for p in messages[-1].parts if isinstance(p, UserPromptPart)][-1].content
        if prompt == "Slow":
            started.set()
            await trio.sleep_forever()
        yield f"{len(messages)} messages"

    agent = Agent(FunctionModel(stream_function=stream, model_name="slow"))
    async with trio.open_nursery() as nursery:
        nursery.start_soon(lambda: run_chat(agent, prog_name="x", interrupter=interrupter))
        await started.wait()
        interrupter.interrupt()
    lines = capsys.readouterr().out.splitlines()
    assert "⏹ cancelled" in lines
    assert "1 messages" in lines  # the cancelled turn left nothing in the conversation


async def test_to_cli_shows_a_structured_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted_input(monkeypatch, ["Capital of France?"])
    agent = Agent(TestModel(custom_output_args={"country": "France", "city": "Paris"}), output_type=Capital)
    await agent.to_cli()
    out = capsys.readouterr().out
    assert '{\n  "country": "France",\n  "city": "Paris"\n}' in out


class Capital(BaseModel):
    country: str
    city: str
