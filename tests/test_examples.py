"""The examples run on the embedded default model, offline."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import trio
import trio.testing

EXAMPLES = Path(__file__).parent.parent / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


async def test_demo_runs_tools_in_parallel_and_answers_the_enqueued_follow_up(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = load("demo")
    model = demo.FunctionModel(demo.scripted_travel_model)
    await demo.main("Weather in Paris and Tokyo?", model, "Should I pack an umbrella?")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[ 0.0s] user: Weather in Paris and Tokyo?"
    calls = [line for line in lines if "model -> " in line]
    assert len(calls) == 4
    assert all(line.startswith("[ 0.3s]") for line in calls)
    returns = [line for line in lines if "get_weather -> " in line or "get_local_time -> " in line]
    assert all(line.startswith("[ 0.8s]") for line in returns)  # four 0.5 s tools overlapped
    assert "[ 1.4s] done: 'Yes, pack an umbrella for Paris.'" in lines
    assert lines[-1].endswith("3 model requests, 4 tool calls, 6 messages")


def test_demo_cli_offline(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    demo = load("demo")
    real_run = trio.run
    monkeypatch.setattr(
        trio, "run", lambda fn, *args: real_run(fn, *args, clock=trio.testing.MockClock(autojump_threshold=0))
    )
    demo.cli(["What about London?", "--no-follow-up"])
    out = capsys.readouterr().out
    assert 'model -> get_weather({"city":"London"})' in out
    assert "done: 'London: overcast, 11°C (12:00 local time).'" in out
    assert "enqueued" not in out


def test_demo_uses_a_real_provider_when_a_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    demo = load("demo")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert demo.default_model().model_id == "openai:gpt-4o-mini"
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert demo.default_model().model_id == "anthropic:claude-haiku-4-5"
