"""The examples run on the embedded default model, offline."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import trio
import trio.testing

from trio_agent.testing import ErrorReply, FakeLLMServer

EXAMPLES = Path(__file__).parent.parent / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))  # the examples import their shared helper, ``_common``


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
    assert len(returns) == 4
    assert all(line.startswith("[ 0.8s]") for line in returns)  # four 0.5 s tools overlapped
    assert "[ 1.4s] done: 'Yes, pack an umbrella for Paris.'" in lines
    assert lines[-1].endswith("3 model requests, 4 tool calls, 6 messages")


def test_demo_cli_offline(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    demo = load("demo")
    demo.cli(["What about London?", "--no-follow-up"])
    out = capsys.readouterr().out
    assert 'model -> get_weather({"city":"London"})' in out
    assert "done: 'London: overcast, 11°C (12:00 local time).'" in out
    assert "enqueued" not in out


def test_demo_uses_a_real_provider_when_a_key_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    demo, common = load("demo"), load("_common")  # every example picks its default model with _common
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert common.default_model(demo.scripted_model).model_id == "openai:gpt-4o-mini"
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert common.default_model(demo.scripted_model).model_id == "anthropic:claude-haiku-4-5"


# -- the examples ---------------------------------------------------------------------------------------


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """For ``cli()`` smoke tests: no provider keys (so the scripted model plays), and ``trio.run`` on a
    MockClock that jumps over sleeps."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    real_run = trio.run

    def run_on_mock_clock(fn: Any, *args: Any, **kwargs: Any) -> Any:
        return real_run(fn, *args, clock=trio.testing.MockClock(autojump_threshold=0), **kwargs)

    monkeypatch.setattr(trio, "run", run_on_mock_clock)
    return monkeypatch


def unstamped(out: str) -> list[str]:
    """Output lines without their ``[ 1.2s] `` time stamps."""
    return [re.sub(r"^\[\s*[\d.]+s\] ", "", line) for line in out.splitlines()]


def test_common_picks_the_named_model_then_a_keyed_provider_then_the_scripted_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    common = load("_common")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    scripted = load("quickstart").scripted_model
    assert common.pick_model(None, scripted).model_name == "scripted-quickstart"
    assert common.pick_model("test", scripted).model_name == "test"
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert common.pick_model(None, scripted).model_id == "anthropic:claude-haiku-4-5"
    assert common.pick_model("ollama:llama3.2", scripted).model_name == "llama3.2"  # --model wins over a key


async def test_quickstart_answers_with_a_validated_model(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    quickstart = load("quickstart")
    facts = await quickstart.main(quickstart.scripted_model())
    assert isinstance(facts, quickstart.CityFacts)
    assert (facts.name, facts.country, facts.population_millions) == ("Tokyo", "Japan", 14.0)
    assert capsys.readouterr().out.splitlines() == [
        "user: How many people live in Tokyo?",
        "Tokyo (Japan): 14.0 million people",
        "summary: Tokyo, in Japan, is home to about 14.0 million people.",
        "2 model requests, 1 tool calls, 5 messages",
    ]


def test_quickstart_cli(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    load("quickstart").cli(["Tell me about Lagos"])
    assert "Lagos (Nigeria): 15.4 million people" in capsys.readouterr().out.splitlines()


async def test_weather_uses_deps_both_tools_and_a_worker_thread(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    weather = load("weather")
    answer = await weather.main(weather.scripted_model(), deps=weather.Deps(latency=0.0))
    assert answer == "London: 12°C, drizzle; Paris: 17°C, sunny."
    assert capsys.readouterr().out.splitlines()[-5:] == [
        "tool calls, from the history:",
        '  get_lat_lng({"location":"London"}) -> {"lat":51.51,"lng":-0.13}',
        '  get_lat_lng({"location":"Paris"}) -> {"lat":48.86,"lng":2.35}',
        '  get_weather({"lat":51.51,"lng":-0.13}) -> 12°C, drizzle',  # ran in a thread: it asserts so itself
        '  get_weather({"lat":48.86,"lng":2.35}) -> 17°C, sunny',
    ]


def test_weather_cli(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    load("weather").cli(["Weather in Tokyo?", "--units", "imperial"])
    assert "answer: Tokyo: 70°F, cloudy." in capsys.readouterr().out.splitlines()


async def test_extraction_retries_once_on_an_invented_email(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    extraction = load("extraction")
    people = await extraction.main(extraction.scripted_model())
    assert [p.model_dump() for p in people] == [
        {"name": "Ada Lovelace", "age": 36, "email": "ada@analytical.org"},
        {"name": "Grace Hopper", "age": 45, "email": "grace.hopper@navy.example"},
        {"name": "Alan Turing", "age": 41, "email": "alan@bletchley.example"},
    ]
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "model answered with 3 people",
        "validator asked for a retry: These emails do not appear in the text: grace@navy.example. Copy emails exactly.",
        "model answered with 3 people",
        "extracted 3 in 2 model requests:",
    ]
    assert lines[5] == "  Grace Hopper    45  grace.hopper@navy.example"


def test_extraction_cli(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    load("extraction").cli(["--text", "Meet Joan Clarke (37, jc@hut8.example)."])
    lines = capsys.readouterr().out.splitlines()
    assert "validator asked for a retry: These emails do not appear in the text: joan@hut8.example. " in lines[1] + " "
    assert lines[-1] == "  Joan Clarke     37  jc@hut8.example"


async def test_streaming_chat_streams_tokens_and_keeps_the_history(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = load("streaming_chat")
    pieces: list[str] = []
    real_print = print

    def spy(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("end") == "":
            pieces.append(str(args[0]))
        real_print(*args, **kwargs)

    monkeypatch.setattr(chat, "print", spy, raising=False)
    start = trio.current_time()
    answers = await chat.main(chat.scripted_model(), ["Hi, I'm Ada", "What is a nursery?", "", "What is my name?"])
    assert answers[-1] == "You told me your name is Ada."  # remembered from the first turn's history
    assert pieces[:4] == ["bot> ", "Nice ", "to ", "meet "]  # token by token, as they arrived
    assert trio.current_time() - start == pytest.approx(0.04 * len(" ".join(answers).split()))  # 0.04 s a token
    assert capsys.readouterr().out.splitlines() == [
        "you> Hi, I'm Ada",
        "bot> Nice to meet you, Ada! Ask me anything about trio.",
        "you> What is a nursery?",
        f"bot> {answers[1]}",
        "you> ",
        "you> What is my name?",
        "bot> You told me your name is Ada.",
        "(bye: 3 answers, 6 messages in the history)",
    ]
    assert answers[1].startswith("A nursery is where trio tasks live")


def test_streaming_chat_cli_reads_stdin(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    offline.setattr(sys, "stdin", io.StringIO("My name is Bob\nWho am I?\n/quit\nnever read\n"))
    load("streaming_chat").cli([])
    lines = capsys.readouterr().out.splitlines()
    assert "bot> You told me your name is Bob." in lines
    assert lines[-1] == "(bye: 2 answers, 4 messages in the history)"


async def test_approval_runs_approved_calls_and_tells_the_model_about_denied_ones(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    approval = load("approval")
    answer = await approval.main(approval.scripted_model(), answers=["y", "yes", "n"])
    assert answer == (
        "Deleted /tmp/build/app.log (freed 120 MB), /tmp/build/cache.tmp (freed 800 MB). "
        "I kept /tmp/build/audit.log, as you asked."
    )
    assert capsys.readouterr().out.splitlines() == [
        "user: Free up space in /tmp/build: delete the logs and temp files.",
        'approve delete_file({"path":"/tmp/build/app.log"})? [y/N] y',
        'approve delete_file({"path":"/tmp/build/cache.tmp"})? [y/N] yes',
        'approve delete_file({"path":"/tmp/build/audit.log"})? [y/N] n',
        f"agent: {answer}",
        "left on disk: /tmp/build/audit.log, /tmp/build/config.yaml",
    ]


def test_approval_cli_reads_answers_from_stdin(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    offline.setattr(sys, "stdin", io.StringIO("n\n"))  # then end of input: no answer is a no
    load("approval").cli([])
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[-2]
        == "agent: I deleted nothing. I kept /tmp/build/app.log, /tmp/build/cache.tmp, /tmp/build/audit.log, as you asked."
    )
    assert (
        lines[-1]
        == "left on disk: /tmp/build/app.log, /tmp/build/cache.tmp, /tmp/build/audit.log, /tmp/build/config.yaml"
    )


async def test_supervisor_counts_every_event_of_100_concurrent_runs(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    supervisor = load("supervisor")
    summary = await supervisor.main(supervisor.scripted_model(), runs=100)
    assert set(summary.events_per_run) == {f"ticket-{n:03d}" for n in range(100)}
    assert set(summary.events_per_run.values()) <= {15, 16}  # 2-3 argument fragments per streamed call
    for kind in (
        "agent_run_result",
        "function_tool_call",
        "function_tool_result",
        "final_result",
        "output_tool_result",
    ):
        assert summary.events_by_kind[kind] == 100
    expected = {
        f"ticket-{n:03d}": (supervisor.PROBLEMS[n % 4][0], supervisor.PLANS[n * 7 % 31 % 3] == "enterprise")
        for n in range(100)
    }
    assert {run_id: (t.category, t.urgent) for run_id, t in summary.outputs.items()} == expected
    assert summary.finish_order != sorted(summary.finish_order)  # they really ran concurrently
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"100 runs finished, {sum(summary.events_per_run.values())} events (15-16 per run)"
    assert lines[2] == "  billing   25 tickets,  10 urgent"


def test_supervisor_cli(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    load("supervisor").cli(["--runs", "8"])
    out = capsys.readouterr().out
    assert out.startswith("8 runs finished, ")
    assert "agent_run_result 8," in out


async def test_webhook_steering_from_a_thread_is_picked_up_by_the_next_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Real clock: the webhook thread must get its enqueue in while a step runs, which a MockClock would skip.
    steering = load("webhook_steering")
    output = await steering.main(steering.scripted_model(), step_seconds=0.25)
    assert output == "Release v2.4: build, test, staging done. Production deploy held: incident INC-42 is open."
    lines = unstamped(capsys.readouterr().out)
    webhook = next(i for i, line in enumerate(lines) if line.startswith("(webhook thread) POST /steer -> 202"))
    assert lines[webhook - 1 : webhook + 4] == [
        'model -> run_step({"step":"test"})',
        lines[webhook],
        "run_step -> test ok",
        f"next model request picks up: {steering.WEBHOOK!r}",
        'model -> run_step({"step":"staging"})',
    ]
    assert 'model -> run_step({"step":"production"})' not in lines
    assert lines[-1] == "done after 4 model requests"


def test_webhook_steering_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # real clock (see above), short steps
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    load("webhook_steering").cli(["--step-seconds", "0.2"])
    assert "model: Release v2.4: build, test, staging done. Production deploy held: incident INC-42 is open." in (
        unstamped(capsys.readouterr().out)
    )


async def test_cancel_and_resume_loses_nothing_and_repeats_nothing(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load("cancel_and_resume")
    output = await example.main(example.scripted_model())
    assert output.startswith("The trio book covers nurseries, cancel scopes, channels, threads")
    lines = capsys.readouterr().out.splitlines()
    assert "[ 1.5s] deadline hit: True; history (4 messages): request response request response" in lines
    assert (
        "[ 3.0s] RunCancelled('user pressed stop'); history (6 messages): "
        "request response request response request response"
    ) in lines
    assert [line for line in lines if "chapters read" in line] == [
        "[ 1.5s] chapters read so far: [1]",  # chapter 2 was interrupted: not read
        "[ 3.0s] chapters read so far: [1, 2]",  # the resumed run ran the pending call first
        "[ 5.4s] chapters read: [1, 2, 3, 4]; full history: 10 messages",  # each exactly once
    ]


def test_cancel_and_resume_cli(offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    load("cancel_and_resume").cli(["--chapter-seconds", "0.5"])
    assert "chapters read: [1, 2, 3, 4]; full history: 10 messages" in unstamped(capsys.readouterr().out)[-1]


# -- errors a user can fix: one line, like the command line ---------------------------------------------

EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.py") if not path.stem.startswith("_"))


def cli_error_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit status and stderr of the ``trio-agent`` command for ``argv``."""
    from trio_agent._cli.main import main as cli_main

    status = cli_main(argv)
    return status, capsys.readouterr().err


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("model", ["nope:x", "openai:gpt-4o", "anthropic:claude-sonnet-4-5", "gpt-4o"])
def test_a_bad_model_or_a_missing_key_is_the_clis_one_line_error(
    name: str, model: str, offline: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, expected = cli_error_line(["--model", model, "hi"], capsys)
    assert status == 2
    assert expected.startswith("error: UserError: ")
    assert expected.count("\n") == 1
    with pytest.raises(SystemExit) as caught:
        load(name).cli(["--model", model])
    assert caught.value.code == 2
    assert capsys.readouterr() == ("", expected)


def test_an_example_run_as_a_script_exits_2_without_a_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--model", "openai:gpt-4o"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: UserError: No API key for 'openai': set the `OPENAI_API_KEY` environment variable.\n"
    )


async def test_a_key_the_provider_refuses_is_one_line_with_status_1(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(ErrorReply(401, {"error": {"message": "Incorrect API key provided"}}))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env |= {"OPENAI_API_KEY": "sk-wrong", "OPENAI_BASE_URL": fake_llm_server.base_url_openai}
    done = await trio.run_process(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--model", "openai:gpt-4o"],
        capture_stdout=True,
        capture_stderr=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.decode() == "user: How many people live in Tokyo?\n"
    assert done.stderr.decode() == (
        "error: ModelHTTPError: status_code: 401, model_name: gpt-4o, "
        "body: {'error': {'message': 'Incorrect API key provided'}}\n"
    )
