"""``trio-agent --trace``: each run's spans as a tree on stderr; and ``span_tree``, the tree itself."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from typing import Any

import pytest
import trio
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Span, Status, StatusCode
from rich.console import Console

from trio_agent._cli.main import Interrupter, main_async
from trio_agent._otel.render import span_tree, tree_rows
from trio_agent.messages import ModelRequest

LINE = re.compile(r"^(?P<glyphs>(?:├─ |└─ |│  |   )*)(?P<name>\S+(?: \S+)?) +(?P<ms>\d+\.\d) ms(?:  (?P<details>.*))?$")
"""One line of the tree: the glyphs placing the span, its name, its duration, what matters about it."""

MISSING_OTEL_MODULES = ("opentelemetry.sdk.trace", "opentelemetry.sdk.trace.export", "opentelemetry.trace")


@pytest.fixture(autouse=True)
def no_api_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def plain_console() -> Console:
    return Console(file=io.StringIO(), force_terminal=False, no_color=True, width=120)


def parse(tree: str) -> list[dict[str, str]]:
    """Each line of a printed tree, split into its parts (every line must have the tree's shape)."""
    rows = []
    for line in tree.splitlines():
        match = LINE.match(line)
        assert match is not None, f"not a line of the tree: {line!r}"
        rows.append({key: value or "" for key, value in match.groupdict().items()})
    return rows


def scripted_input(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> None:
    """Make ``input`` return ``lines`` one by one, then raise EOFError (Ctrl-D)."""
    pending = list(lines)

    def fake_input(prompt: str = "") -> str:
        if pending:
            return pending.pop(0)
        raise EOFError

    monkeypatch.setattr("builtins.input", fake_input)


# -- the command line --------------------------------------------------------------------------------------


async def test_demo_prints_the_run_span_with_its_model_requests_and_tool_calls_under_it(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    console = plain_console()
    assert await main_async(["--trace", "demo"], console=console) == 0
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert shown.splitlines()[-1] == "3 requests · 4 tool calls · 150 tokens in, 45 out"  # the display, as ever
    assert "invoke_agent" not in shown
    rows = parse(capsys.readouterr().err)
    run, *children = rows
    assert (run["glyphs"], run["name"], run["details"]) == ("", "invoke_agent travel_assistant", "150 in / 45 out")
    assert [row["glyphs"] for row in children] == ["├─ "] * 6 + ["└─ "]  # all direct children of the run span
    names = [row["name"] for row in children]
    assert names[0] == names[-2] == names[-1] == "chat scripted-travel-assistant"  # asked, answered, follow-up
    assert sorted(names[1:5]) == ["execute_tool get_local_time"] * 2 + ["execute_tool get_weather"] * 2
    tool_ids = {row["details"] for row in children[1:5]}
    assert tool_ids == {"id weather_paris", "id time_paris", "id weather_tokyo", "id time_tokyo"}
    tokens = [re.fullmatch(r"(\d+) in / (\d+) out", row["details"]) for row in (children[0], *children[-2:])]
    assert [match is not None for match in tokens] == [True] * 3
    assert sum(int(m.group(1)) for m in tokens if m) == 150  # the model requests add up to the run's totals
    assert sum(int(m.group(2)) for m in tokens if m) == 45


async def test_json_stdout_is_the_same_with_trace_and_the_tree_goes_to_stderr(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await main_async(["--json", "Weather in London?"]) == 0
    plain = capsys.readouterr()
    assert await main_async(["--trace", "--json", "Weather in London?"]) == 0
    traced = capsys.readouterr()
    assert plain.err == ""
    assert len(traced.out.splitlines()) == 1  # one JSON object, nothing else
    without, with_trace = json.loads(plain.out), json.loads(traced.out)
    assert with_trace["output"] == without["output"] == "London: overcast, 11°C (12:00 local time)."
    assert with_trace["usage"] == without["usage"]
    assert len(with_trace["messages"]) == len(without["messages"]) == 4
    rows = parse(traced.err)
    assert [(row["glyphs"], row["name"].split()[0]) for row in rows] == [
        ("", "invoke_agent"),
        ("├─ ", "chat"),
        ("├─ ", "execute_tool"),
        ("├─ ", "execute_tool"),
        ("└─ ", "chat"),
    ]


@pytest.fixture
def failing_on_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's default model, except that a prompt containing 'fail' fails with an HTTP 503."""
    from trio_agent._cli import demo
    from trio_agent.exceptions import ModelHTTPError
    from trio_agent.models.function import FunctionModel

    async def stream(messages: list[Any], info: Any) -> Any:
        parts = [p for m in messages if isinstance(m, ModelRequest) for p in m.parts if p.part_kind == "user-prompt"]
        if "fail" in str(parts[-1].content):
            raise ModelHTTPError(503, "flaky-model", {"error": {"message": "overloaded"}})
        async for item in demo.scripted_travel_stream(messages, info):
            yield item

    model = FunctionModel(demo.scripted_travel_model, stream_function=stream, model_name="flaky")
    monkeypatch.setattr(demo, "default_model", lambda: model)


@pytest.mark.usefixtures("failing_on_fail")
async def test_chat_prints_each_turns_tree_after_it_and_a_failed_turn_with_its_error(
    autojump_clock: trio.abc.Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripted_input(monkeypatch, ["Weather in Paris?", "This will fail", "Should I pack an umbrella?"])
    both = io.StringIO()  # stdout and stderr in one stream, to see what came after what
    monkeypatch.setattr(sys, "stdout", both)
    monkeypatch.setattr(sys, "stderr", both)
    assert await main_async(["--trace", "--json", "chat"]) == 1
    lines = [line for line in both.getvalue().splitlines() if line]  # (the chat ends Ctrl-D's line)
    kinds = ["json" if line.startswith("{") else "run" if line.startswith("invoke_agent") else "span" for line in lines]
    assert kinds == ["json", "run", "span", "span", "span", "span", "json", "run", "span", "json", "run", "span"]
    assert json.loads(lines[0])["output"] == "Paris: light rain, 14°C (13:00 local time)."
    assert json.loads(lines[6])["error"]["type"] == "ModelHTTPError"
    failed_run, failed_chat = parse("\n".join(lines[7:9]))
    assert failed_run["name"] == "invoke_agent travel_assistant"
    assert failed_run["details"].endswith("ERROR ModelHTTPError")
    assert (failed_chat["glyphs"], failed_chat["name"], failed_chat["details"]) == (
        "└─ ",
        "chat flaky",
        "ERROR ModelHTTPError",
    )
    assert "ERROR" not in "\n".join(lines[:6] + lines[9:])  # the turns that succeeded


async def test_an_interrupted_run_prints_its_spans_as_errors(
    autojump_clock: trio.abc.Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    class Watched(Interrupter):
        """Tells when the run starts (scopes: the command's, then the run's)."""

        opened = 0
        run_started = trio.Event()

        def scope(self) -> Any:
            self.opened += 1
            if self.opened == 2:
                self.run_started.set()
            return super().scope()

    interrupter = Watched()
    status: list[int] = []

    async def one_shot() -> None:
        status.append(await main_async(["--trace", "--json", "Weather in Paris?"], interrupter=interrupter))

    async with trio.open_nursery() as nursery:
        nursery.start_soon(one_shot)
        await interrupter.run_started.wait()
        await trio.sleep(0.5)  # the model asked for the tools (at 0.3 s), which are running (until 0.8 s)
        interrupter.interrupt()  # what Ctrl-C does
    assert status == [130]
    out, err = capsys.readouterr()
    assert json.loads(out) == {"cancelled": True}
    run, chat, *tools = parse(err)
    assert run["name"] == "invoke_agent travel_assistant"
    assert run["details"].endswith("ERROR Cancelled")
    assert "ERROR" not in chat["details"]  # the model request had completed
    assert sorted(row["name"] for row in tools) == ["execute_tool get_local_time", "execute_tool get_weather"]
    assert all(row["details"].endswith("ERROR Cancelled") for row in tools)


@pytest.mark.parametrize("json_mode", [False, True])
async def test_trace_without_opentelemetry_is_a_usage_error_naming_the_extra(
    json_mode: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in MISSING_OTEL_MODULES:
        monkeypatch.setitem(sys.modules, module, None)  # `import` raises ImportError
    console = plain_console()
    argv = ["--trace", *(["--json"] if json_mode else []), "Weather in Paris?"]
    assert await main_async(argv, console=console) == 2
    out, err = capsys.readouterr()
    if json_mode:
        error = json.loads(out)["error"]
        assert error["type"] == "UserError"
        message = error["message"]
    else:
        assert out == ""
        message = err
    assert "`--trace` needs OpenTelemetry" in message
    assert "pip install 'trio-agent[otel]'" in message
    assert "get_weather" not in console.file.getvalue()  # type: ignore[attr-defined]  # nothing ran


async def test_help_describes_trace(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        await main_async(["--help"])
    assert caught.value.code == 0
    help_text = capsys.readouterr().out
    assert "--trace" in help_text.split("positional arguments")[0]  # in the usage line
    assert "tracing:\n  --trace" in help_text
    assert "pip install 'trio-agent[otel]'" in help_text


def test_importing_the_command_line_does_not_import_opentelemetry() -> None:
    code = (
        "import sys, trio_agent, trio_agent._cli.main; "
        "print([m for m in sys.modules if m.split('.')[0] == 'opentelemetry'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- span_tree, on spans made by hand ----------------------------------------------------------------------

T0 = 1_700_000_000_000_000_000
"""A start time (ns since the epoch); times below are milliseconds after it."""


class Spans:
    """A tracer whose spans end up in memory, with explicit parents and times."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = provider.get_tracer("test")

    def start(self, name: str, at: float, parent: Span | None = None, **attributes: Any) -> Span:
        context = trace.set_span_in_context(parent) if parent is not None else otel_context.Context()
        attributes = {key.replace("__", "."): value for key, value in attributes.items()}
        return self.tracer.start_span(name, context=context, start_time=T0 + int(at * 1e6), attributes=attributes)

    @staticmethod
    def end(span: Span, at: float) -> None:
        span.end(end_time=T0 + int(at * 1e6))

    def finished(self) -> tuple[ReadableSpan, ...]:
        return self.exporter.get_finished_spans()


def fail(span: Span, error: BaseException) -> None:
    """What the instrumentation records on a span an exception left."""
    span.record_exception(error)
    span.set_attribute("error.type", type(error).__qualname__)
    span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))


def two_traces(spans: Spans) -> None:
    """A run with a model request, a failed tool call (with an HTTP span in it) and a last request (with one in
    it too); and, started during the run, a trace of its own."""
    run = spans.start(
        "invoke_agent support",
        0,
        gen_ai__operation__name="invoke_agent",
        gen_ai__agent__name="support",
        gen_ai__aggregated_usage__input_tokens=30,
        gen_ai__aggregated_usage__output_tokens=7,
    )
    first = spans.start(
        "chat m",
        1,
        run,
        gen_ai__operation__name="chat",
        gen_ai__request__model="m",
        gen_ai__response__model="m",
        gen_ai__usage__input_tokens=10,
        gen_ai__usage__output_tokens=2,
    )
    spans.end(first, 11)
    other = spans.start("other trace", 5)
    tool = spans.start(
        "execute_tool lookup",
        12,
        run,
        gen_ai__operation__name="execute_tool",
        gen_ai__tool__name="lookup",
        gen_ai__tool__call__id="call_1",
    )
    http = spans.start("GET", 13, tool)
    spans.end(http, 15)
    spans.end(other, 16)
    fail(tool, ValueError("no such order"))
    spans.end(tool, 20)
    last = spans.start(
        "chat m",
        21,
        run,
        gen_ai__operation__name="chat",
        gen_ai__request__model="m",
        gen_ai__response__model="m-2024-05-13",
        gen_ai__usage__input_tokens=20,
        gen_ai__usage__output_tokens=5,
    )
    post = spans.start("POST", 22, last)
    spans.end(post, 39.5)
    spans.end(last, 40)
    spans.end(run, 41.25)


TWO_TRACES = """\
invoke_agent support    41.2 ms  30 in / 7 out
├─ chat m               10.0 ms  10 in / 2 out
├─ execute_tool lookup   8.0 ms  id call_1  ERROR ValueError
│  └─ GET                2.0 ms
└─ chat m               19.0 ms  20 in / 5 out  → m-2024-05-13
   └─ POST              17.5 ms
other trace             11.0 ms"""


def test_span_tree_nests_children_in_start_order_with_one_tree_per_root() -> None:
    spans = Spans()
    two_traces(spans)
    finished = spans.finished()
    assert [span.name for span in finished][:3] == ["chat m", "GET", "other trace"]  # in the order they ended
    assert span_tree(finished) == TWO_TRACES
    assert span_tree(finished[::-1]) == TWO_TRACES  # whatever the order given
    assert [(row.depth, row.span.name) for row in tree_rows(finished)] == [
        (0, "invoke_agent support"),
        (1, "chat m"),
        (1, "execute_tool lookup"),
        (2, "GET"),
        (1, "chat m"),
        (2, "POST"),
        (0, "other trace"),
    ]


def test_span_tree_names_what_version_2_span_names_leave_out_and_deferred_calls() -> None:
    spans = Spans()
    run = spans.start("agent run", 0, gen_ai__operation__name="invoke_agent", gen_ai__agent__name="support")
    tool = spans.start(
        "running tool",
        1,
        run,
        gen_ai__operation__name="execute_tool",
        gen_ai__tool__name="refund",
        gen_ai__tool__call__id="c7",
        pydantic_ai__tool__deferral__name="ApprovalRequired",
    )
    spans.end(tool, 2)
    spans.end(run, 3)
    assert span_tree(spans.finished()) == (
        "agent run        3.0 ms  agent support\n"
        "└─ running tool  1.0 ms  tool refund  id c7  deferred (ApprovalRequired)"
    )


def test_a_span_whose_parent_is_not_given_is_a_root_and_an_error_without_a_type_shows_its_status() -> None:
    spans = Spans()
    run = spans.start("invoke_agent a", 0)
    child = spans.start("child", 1, run)
    child.set_status(Status(StatusCode.ERROR, "timed out"))
    spans.end(child, 3)
    spans.end(run, 4)
    orphan = [span for span in spans.finished() if span.name == "child"]
    assert span_tree(orphan) == "child  2.0 ms  ERROR timed out"
    assert span_tree([]) == ""


async def test_the_tree_of_a_real_run_has_the_shape_the_command_prints(autojump_clock: trio.abc.Clock) -> None:
    """``span_tree`` over the spans an instrumented agent records (the CLI's demo agent, on TestModel)."""
    from trio_agent import InstrumentationSettings
    from trio_agent._cli.demo import build_agent
    from trio_agent.models.test import TestModel

    spans = Spans()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(spans.exporter))
    settings = InstrumentationSettings(tracer_provider=provider)
    agent = build_agent(TestModel(call_tools=["get_local_time"]), instrument=settings)
    result = await agent.run("Time in Tokyo?")
    assert result.output.startswith('{"get_local_time":')
    labels = [LINE.match(line) for line in span_tree(spans.finished()).splitlines()]
    assert [(m.group("glyphs"), m.group("name")) for m in labels if m] == [
        ("", "invoke_agent travel_assistant"),
        ("├─ ", "chat test"),
        ("├─ ", "execute_tool get_local_time"),
        ("└─ ", "chat test"),
    ]
