"""The ``trio-agent`` command line, offline on the embedded scripted travel model."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
import trio
from rich.console import Console

from trio_agent._cli.main import Interrupter, main, main_async
from trio_agent.messages import ModelMessagesTypeAdapter, ModelRequest

PARIS_TOKYO = "Paris: light rain, 14°C (13:00 local time). Tokyo: sunny, 22°C (21:00 local time)."


@pytest.fixture(autouse=True)
def no_api_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


class Recorder(io.StringIO):
    """A file that remembers each write (to see text arrive in pieces)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


def plain_console(file: io.StringIO | None = None) -> Console:
    return Console(file=file or Recorder(), force_terminal=False, no_color=True, width=120)


def scripted_input(
    monkeypatch: pytest.MonkeyPatch, lines: list[str], *, then: Callable[[], str] | None = None
) -> list[str]:
    """Make ``input`` return ``lines`` one by one, then call ``then`` (default: EOF). Returns the prompts seen."""
    pending, prompts = list(lines), []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        if pending:
            return pending.pop(0)
        if then is None:
            raise EOFError
        return then()

    monkeypatch.setattr("builtins.input", fake_input)
    return prompts


async def test_one_shot_streams_the_answer_and_shows_tool_calls(autojump_clock: trio.abc.Clock) -> None:
    console = plain_console()
    assert await main_async(["Weather", "in", "Paris and Tokyo?"], console=console) == 0
    out = console.file.getvalue()
    lines = out.splitlines()
    calls = [line for line in lines if line.startswith("→ ")]
    assert calls == [
        "→ get_weather(city='Paris')",
        "→ get_local_time(city='Paris')",
        "→ get_weather(city='Tokyo')",
        "→ get_local_time(city='Tokyo')",
    ]
    assert '← get_weather: {"city": "Paris", "sky": "light rain", "temp_c": 14}' in lines
    assert "← get_local_time: 21:00 local time" in lines
    assert lines[-2] == PARIS_TOKYO
    assert lines[-1].startswith("2 requests · 4 tool calls · ")
    assert max(i for i, line in enumerate(lines) if line.startswith("←")) < lines.index(PARIS_TOKYO)
    writes = console.file.writes  # type: ignore[attr-defined]
    start = writes.index("Paris: ")  # the answer arrived word by word, as the model streamed it
    assert writes[start : start + 5] == ["Paris: ", "light ", "rain, ", "14°C ", "(13:00 "]


async def test_live_display_on_a_terminal(autojump_clock: trio.abc.Clock) -> None:
    file = io.StringIO()
    console = Console(file=file, force_terminal=True, width=100)
    assert await main_async(["Weather in London?"], console=console) == 0
    out = file.getvalue()
    assert "\x1b[" in out  # styled and redrawn
    assert "get_weather(city='London')" in out
    assert "London: overcast, 11°C (12:00 local time)." in out


async def test_json_prints_output_usage_and_messages(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await main_async(["--json", "Weather in London?"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1
    data = json.loads(out)
    assert data["output"] == "London: overcast, 11°C (12:00 local time)."
    assert data["usage"]["requests"] == 2
    assert data["usage"]["tool_calls"] == 2
    messages = ModelMessagesTypeAdapter.validate_python(data["messages"])
    assert len(messages) == 4
    assert isinstance(messages[0], ModelRequest)
    assert messages[0].parts[0].content == "Weather in London?"


async def test_json_events_prints_one_line_per_event(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await main_async(["--json", "events", "Weather in Sydney?"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [event["event_kind"] for event in events]
    assert kinds[-1] == "agent_run_result"
    assert {"part_start", "part_delta", "part_end", "function_tool_call", "function_tool_result"} <= set(kinds)
    assert kinds.index("function_tool_call") < kinds.index("function_tool_result") < kinds.index("part_delta")
    text = "".join(event["delta"]["content_delta"] for event in events if event["event_kind"] == "part_delta")
    assert events[-1]["output"] == "Sydney: windy, 24°C (23:00 local time)."
    assert text.endswith("(23:00 local time).")
    assert len(events[-1]["messages"]) == 4


async def test_chat_keeps_the_history_across_turns(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts = scripted_input(monkeypatch, ["Weather in Paris?", "  ", "Should I pack an umbrella?", "/exit", "unread"])
    console = plain_console()
    assert await main_async([], console=console) == 0
    lines = console.file.getvalue().splitlines()
    assert lines[0].startswith("Chatting with function:scripted-travel-assistant.")
    assert "Paris: light rain, 14°C (13:00 local time)." in lines
    assert "Yes, pack an umbrella for Paris." in lines  # answered from the first turn's forecast
    assert lines[-1] == "1 request · 0 tool calls · 50 tokens in, 8 out"
    assert prompts == ["> "] * 4


async def test_chat_command_ends_at_eof(autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_input(monkeypatch, ["Weather in Tokyo?"])
    console = plain_console()
    assert await main_async(["chat"], console=console) == 0
    assert "Tokyo: sunny, 22°C (21:00 local time)." in console.file.getvalue()


async def test_demo(autojump_clock: trio.abc.Clock) -> None:
    console = plain_console()
    assert await main_async(["demo"], console=console) == 0
    lines = console.file.getvalue().splitlines()
    assert lines[1] == "> What's the weather like in Paris and Tokyo right now?"
    assert len([line for line in lines if line.startswith("→ ")]) == 4
    assert lines[-4:] == [
        PARIS_TOKYO,
        "> Should I pack an umbrella? (enqueued)",
        "Yes, pack an umbrella for Paris.",
        "3 requests · 4 tool calls · 150 tokens in, 45 out",
    ]


async def test_interrupt_in_chat_cancels_only_that_run_then_exits_at_the_prompt(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    at_prompt, release = trio.Event(), threading.Event()

    def wait_at_the_prompt() -> str:  # runs in the worker thread that reads the prompt
        trio.from_thread.run_sync(at_prompt.set)
        release.wait(10)  # abandoned by the interrupt, then released
        return "/exit"

    scripted_input(
        monkeypatch, ["Weather in Paris?", "Weather in Tokyo?", "Should I pack an umbrella?"], then=wait_at_the_prompt
    )

    class Watched(Interrupter):
        """Tells when the second run starts (scopes: the command's, the chat's, then one per run)."""

        opened = 0
        second_run = trio.Event()

        def scope(self) -> Any:
            self.opened += 1
            if self.opened == 4:
                self.second_run.set()
            return super().scope()

    interrupter = Watched()
    status: list[int] = []

    async def chat() -> None:
        status.append(await main_async(["--json"], interrupter=interrupter))

    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(chat)
            await interrupter.second_run.wait()
            await trio.sleep(0.5)  # its model asked for the tools (at 0.3 s), which are running
            interrupter.interrupt()  # what the SIGINT task does
            await at_prompt.wait()
            interrupter.interrupt()
    finally:
        release.set()
    assert status == [130]
    first, cancelled, third = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["output"] == "Paris: light rain, 14°C (13:00 local time)."
    assert cancelled == {"cancelled": True}
    assert third["output"] == "Yes, pack an umbrella for Paris."
    messages = ModelMessagesTypeAdapter.validate_python(third["messages"])
    user_prompts = [
        p.content for m in messages if isinstance(m, ModelRequest) for p in m.parts if p.part_kind == "user-prompt"
    ]
    assert user_prompts == ["Weather in Paris?", "Should I pack an umbrella?"]  # the cancelled turn left nothing
    assert "Tokyo" not in json.dumps(third["messages"])


def test_main_runs_under_trio_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real_run = trio.run
    monkeypatch.setattr(trio, "run", lambda fn: real_run(fn, clock=trio.testing.MockClock(autojump_threshold=0)))
    assert main(["--json", "Weather in Paris?"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == "Paris: light rain, 14°C (13:00 local time)."
    assert main(["--model", "nope:"]) == 2
    assert "error: UserError: Unknown model" in capsys.readouterr().err


def run_module(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60, check=False, **kwargs)


def test_python_m_trio_agent_help() -> None:
    done = run_module("-m", "trio_agent", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: trio-agent")
    assert "embedded scripted travel model" in done.stdout
    assert "--json events" in done.stdout


def test_importing_trio_agent_does_not_import_rich() -> None:
    code = "import sys, trio_agent, trio_agent._cli.main; print([m for m in sys.modules if m.split('.')[0] == 'rich'])"
    done = run_module("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


class Process:
    """``python -m trio_agent ...`` in a child process whose output we wait on."""

    def __init__(self, process: trio.Process) -> None:
        self.process = process
        self.out = ""

    async def until(self, text: str) -> None:
        assert self.process.stdout is not None
        with trio.fail_after(30):
            while text not in self.out:
                chunk = await self.process.stdout.receive_some()
                assert chunk, f"{text!r} never came; got {self.out!r}"
                self.out += chunk.decode()
        self.out = self.out[self.out.index(text) + len(text) :]


async def read_to_end(stream: trio.abc.ReceiveStream | None) -> bytes:
    """Everything the stream still delivers, up to its end (not just the first chunk)."""
    assert stream is not None
    data = b""
    with trio.fail_after(30):
        while chunk := await stream.receive_some():
            data += chunk
    return data


async def start(*args: str) -> Process:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")} | {"PYTHONUNBUFFERED": "1"}
    pipe = subprocess.PIPE
    return Process(
        await trio.lowlevel.open_process(
            [sys.executable, "-m", "trio_agent", *args], stdin=pipe, stdout=pipe, stderr=pipe, env=env
        )
    )


async def test_sigint_in_one_shot_mode_exits_130_without_a_traceback() -> None:
    child = await start("Weather in Paris?")
    await child.until("→ get_weather(city='Paris')")
    child.process.send_signal(signal.SIGINT)
    await child.until("cancelled")
    with trio.fail_after(30):
        assert await child.process.wait() == 130
    stderr = await read_to_end(child.process.stderr)  # all of it: a traceback comes last
    assert b"Traceback" not in stderr
    assert stderr.strip() == b"", stderr


async def test_sigint_in_chat_cancels_the_reply_and_at_the_prompt_exits() -> None:
    child = await start()
    assert child.process.stdin is not None
    await child.process.stdin.send_all(b"Weather in Paris?\n")
    await child.until("→ get_weather(city='Paris')")
    child.process.send_signal(signal.SIGINT)
    await child.until("⏹ cancelled")
    await child.process.stdin.send_all(b"Weather in Tokyo?\nShould I pack an umbrella?\n")
    await child.until("Tokyo: sunny")
    await child.until("No umbrella needed.")  # the cancelled Paris turn is not in the history
    await child.until("> ")
    child.process.send_signal(signal.SIGINT)
    with trio.fail_after(30):
        assert await child.process.wait() == 130
    stderr = await read_to_end(child.process.stderr)  # all of it: a traceback comes last
    assert b"Traceback" not in stderr
    assert stderr.strip() == b"", stderr


# -- usage errors, failed runs as JSON, what the scripted model does not know ------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "evnts", "Weather in Paris?"],
        ["--json=evnts", "Weather in Paris?"],
        ["--json", "Events", "chat"],
        ["--json", "results"],
    ],
)
async def test_an_unknown_json_mode_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        await main_async(argv)
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: trio-agent")
    assert "trio-agent: error: argument --json: invalid choice: " in err
    assert re.search(r"\(choose from '?result'?, '?events'?\)", err)  # (quoted before Python 3.12.8)


async def test_json_followed_by_the_words_of_a_prompt_is_still_a_prompt(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await main_async(["--json", "weather", "in", "London?"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == "London: overcast, 11°C (12:00 local time)."


@pytest.fixture
def flaky_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's default model, except that a prompt containing 'fail' fails with a 503 (after its first word)."""
    from trio_agent._cli import demo
    from trio_agent.exceptions import ModelHTTPError
    from trio_agent.models.function import FunctionModel

    def latest_prompt(messages: list[Any]) -> str:
        parts = [p for m in messages if isinstance(m, ModelRequest) for p in m.parts if p.part_kind == "user-prompt"]
        return str(parts[-1].content)

    async def respond(messages: list[Any], info: Any) -> Any:
        return await demo.scripted_travel_model(messages, info)

    async def stream(messages: list[Any], info: Any) -> Any:
        if "fail" in latest_prompt(messages):
            yield "Let me "
            raise ModelHTTPError(503, "flaky-model", {"error": {"message": "overloaded"}})
        async for item in demo.scripted_travel_stream(messages, info):
            yield item

    monkeypatch.setattr(demo, "default_model", lambda: FunctionModel(respond, stream_function=stream))


FAILED_503 = {
    "type": "ModelHTTPError",
    "message": "status_code: 503, model_name: flaky-model, body: {'error': {'message': 'overloaded'}}",
}


@pytest.mark.usefixtures("flaky_model")
async def test_json_chat_reports_a_failed_turn_as_one_json_line_and_exits_non_zero(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted_input(monkeypatch, ["Weather in Paris?", "This will fail", "Should I pack an umbrella?"])
    assert await main_async(["--json", "chat"]) == 1
    out, err = capsys.readouterr()
    first, failed, third = (json.loads(line) for line in out.splitlines())
    assert first["output"] == "Paris: light rain, 14°C (13:00 local time)."
    assert failed == {"error": FAILED_503}
    assert third["output"] == "Yes, pack an umbrella for Paris."  # the chat went on without the failed turn
    assert "fail" not in json.dumps(third["messages"])
    assert "error" not in err


@pytest.mark.usefixtures("flaky_model")
async def test_json_events_chat_ends_a_failed_turn_with_an_error_line(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted_input(monkeypatch, ["This will fail", "Weather in Tokyo?"])
    assert await main_async(["--json", "events", "chat"]) == 1
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [event["event_kind"] for event in events]
    assert kinds.count("agent_run_error") == 1
    failed = events[kinds.index("agent_run_error")]
    assert failed == {"event_kind": "agent_run_error", "error": FAILED_503}
    assert kinds[: kinds.index("agent_run_error")] == ["part_start", "final_result"]  # what streamed before it
    assert kinds[-1] == "agent_run_result"
    assert events[-1]["output"] == "Tokyo: sunny, 22°C (21:00 local time)."


@pytest.mark.usefixtures("flaky_model")
async def test_json_one_shot_failure_is_a_json_line_with_status_1(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await main_async(["--json", "fail", "now"]) == 1
    out, err = capsys.readouterr()
    assert [json.loads(line) for line in out.splitlines()] == [{"error": FAILED_503}]
    assert err == ""


@pytest.mark.usefixtures("flaky_model")
async def test_live_chat_shows_a_failed_turn_and_exits_1(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripted_input(monkeypatch, ["This will fail", "Weather in Sydney?", "/exit"])
    console = plain_console()
    assert await main_async([], console=console) == 1
    assert "Sydney: windy, 24°C (23:00 local time)." in console.file.getvalue()
    assert capsys.readouterr().err.strip() == f"error: ModelHTTPError: {FAILED_503['message']}"


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("Weather in Berlin?", "I have no weather data for Berlin; I know Paris, Tokyo, London, New York and Sydney."),
        (
            "Weather in Paris and Berlin?",
            "Paris: light rain, 14°C (13:00 local time). I have no weather data for Berlin.",
        ),
        (
            "Is it warm in Rio de Janeiro or Cape Town?",
            "I have no weather data for Rio de Janeiro or Cape Town; I know Paris, Tokyo, London, New York and Sydney.",
        ),
        ("Hello there", "Which city? I have weather data for Paris, Tokyo, London, New York and Sydney."),
    ],
)
async def test_the_scripted_model_says_which_cities_it_does_not_know(
    prompt: str, answer: str, autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await main_async(["--json", prompt]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["output"] == answer
    messages = ModelMessagesTypeAdapter.validate_python(result["messages"])
    called = {part.tool_name for message in messages for part in message.parts if part.part_kind == "tool-call"}
    assert called == ({"get_weather", "get_local_time"} if "Paris" in prompt else set())


async def test_the_demo_tools_say_when_they_have_no_data(autojump_clock: trio.abc.Clock) -> None:
    """A real model may ask the tools about any city: they say when they have no data, not made-up weather."""
    from trio_agent._cli.demo import build_agent
    from trio_agent.messages import ModelResponse, TextPart, ToolCallPart, ToolReturnPart
    from trio_agent.models.function import FunctionModel

    def model(messages: list[Any], info: Any) -> ModelResponse:
        returns = [p.model_response_str() for m in messages for p in m.parts if isinstance(p, ToolReturnPart)]
        if returns:
            return ModelResponse(parts=[TextPart(" | ".join(returns))])
        calls = [ToolCallPart("get_weather", {"city": "Berlin"}), ToolCallPart("get_local_time", {"city": "Berlin"})]
        return ModelResponse(parts=calls)

    result = await build_agent(FunctionModel(model)).run("Weather in Berlin?")
    known = "known cities: Paris, Tokyo, London, New York and Sydney"
    assert result.output == (
        f'{{"city": "Berlin", "error": "no forecast for Berlin; {known}"}} | no time zone data for Berlin; {known}'
    )
