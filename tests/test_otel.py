"""OpenTelemetry instrumentation: the spans of runs, model requests and tool calls, their parent links in every
way of running a run, their attributes with and without content, and the GenAI metrics, read back from
OpenTelemetry's SDK with in-memory exporters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import trio
import trio.lowlevel
from opentelemetry import trace
from trio.testing import MockClock

from otel_support import Otel, attrs, decoded, failed_with, walk
from trio_agent import (
    Agent,
    CallDeferred,
    DeferredToolRequests,
    InstrumentationSettings,
    ModelHTTPError,
    ModelRetry,
    RunContext,
    UserError,
)
from trio_agent.capabilities import Instrumentation
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, FunctionModel
from trio_agent.usage import RequestUsage

# Every test takes `autojump_clock`: the scripted model and tools sleep in trio's (virtual) time, and durations
# are measured in it.
FINAL = "It is 21 degrees in Paris."


def scripted_model() -> FunctionModel:
    """Turn 1: two tool calls (run in parallel); turn 2: the answer. Streamed or not, the same script."""

    async def plain(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await trio.sleep(1)
        if len(messages) == 1:
            return ModelResponse(
                parts=[ToolCallPart("fetch", {"city": "Paris"}, "f1"), ToolCallPart("compute", {"x": 3}, "c1")],
                usage=RequestUsage(input_tokens=40, output_tokens=7),
                finish_reason="tool_call",
                provider_response_id="resp-1",
            )
        return ModelResponse(
            parts=[TextPart(FINAL)],
            usage=RequestUsage(input_tokens=60, output_tokens=9),
            finish_reason="stop",
            provider_response_id="resp-2",
        )

    async def streamed(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        await trio.sleep(1)
        if len(messages) == 1:
            yield {0: DeltaToolCall("fetch", '{"city": "Paris"}', tool_call_id="f1")}
            await trio.sleep(0.5)
            yield {1: DeltaToolCall("compute", '{"x": 3}', tool_call_id="c1")}
            return
        yield "It is 21 degrees "
        await trio.sleep(0.5)
        yield "in Paris."

    return FunctionModel(plain, stream_function=streamed, model_name="scripted")


def make_agent(instrument: Any, **kwargs: Any) -> Agent[None, str]:
    agent: Agent[None, str] = Agent(
        scripted_model(), name="weather", instructions="Answer briefly.", instrument=instrument, **kwargs
    )

    @agent.tool_plain
    async def fetch(city: str) -> dict[str, Any]:
        await trio.sleep(2)
        return {"city": city, "temperature": 21}

    @agent.tool_plain
    def compute(x: int) -> int:  # sync: runs in a worker thread
        return x * x

    return agent


@pytest.fixture
def otel() -> Otel:
    return Otel()


def check_tree(otel: Otel, run_span_name: str = "invoke_agent weather") -> None:
    root = otel.one(run_span_name)
    assert root.parent is None
    tree = list(walk(otel, root))
    assert tree[0] == (0, run_span_name)
    assert sorted(tree[1:]) == sorted(
        [(1, "chat scripted"), (1, "execute_tool fetch"), (1, "execute_tool compute"), (1, "chat scripted")]
    )
    assert {s.context.trace_id for s in otel.spans} == {root.context.trace_id}
    assert not otel.open_spans.open


async def test_run_spans_nest_and_carry_the_conventions_attributes(otel: Otel, autojump_clock: MockClock) -> None:
    agent = make_agent(otel.settings)
    result = await agent.run("Weather in Paris?")
    assert result.output == FINAL
    check_tree(otel)

    run = otel.one("invoke_agent")
    expected_run = {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "weather",
        "gen_ai.agent.call.id": result.run_id,
        "gen_ai.conversation.id": result.conversation_id,
        "gen_ai.aggregated_usage.input_tokens": 100,
        "gen_ai.aggregated_usage.output_tokens": 16,
        "model_name": "scripted",
    }
    assert expected_run.items() <= attrs(run).items()
    assert "gen_ai.usage.input_tokens" not in attrs(run)  # (aggregated names: backends summing do not count twice)
    assert failed_with(run) is None

    first, second = otel.named("chat")
    assert first.kind is trace.SpanKind.CLIENT
    expected_chat = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "function",
        "gen_ai.request.model": "scripted",
        "gen_ai.response.model": "scripted",
        "gen_ai.usage.input_tokens": 40,
        "gen_ai.usage.output_tokens": 7,
        "gen_ai.response.finish_reasons": ("tool_call",),
        "gen_ai.response.id": "resp-1",
        "gen_ai.agent.name": "weather",
        "gen_ai.agent.call.id": result.run_id,
        "gen_ai.conversation.id": result.conversation_id,
    }
    assert expected_chat.items() <= attrs(first).items()
    assert attrs(second)["gen_ai.response.finish_reasons"] == ("stop",)
    assert [d["name"] for d in decoded(first, "gen_ai.tool.definitions")] == ["fetch", "compute"]

    fetch = otel.one("execute_tool fetch")
    expected_tool = {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "fetch",
        "gen_ai.tool.call.id": "f1",
        "gen_ai.agent.call.id": result.run_id,
    }
    assert expected_tool.items() <= attrs(fetch).items()
    # The tools ran in parallel: siblings whose lifetimes overlap, between the two requests.
    compute = otel.one("execute_tool compute")
    assert fetch.start_time
    assert compute.start_time
    assert fetch.end_time
    assert compute.end_time
    assert max(fetch.start_time, compute.start_time) < min(fetch.end_time, compute.end_time)
    assert first.end_time
    assert second.start_time
    assert first.end_time <= min(fetch.start_time, compute.start_time)
    assert max(fetch.end_time, compute.end_time) <= second.start_time


async def test_no_content_is_recorded_unless_asked(otel: Otel, autojump_clock: MockClock) -> None:
    agent = make_agent(otel.settings)
    await agent.run("my secret is 1234")
    content_keys = {
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
        "pydantic_ai.all_messages",
        "final_result",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
    }
    for span in otel.spans:
        assert not content_keys & attrs(span).keys(), span.name
        assert all("1234" not in str(value) for value in attrs(span).values()), span.name


async def test_content_as_the_conventions_encode_it(autojump_clock: MockClock) -> None:
    otel = Otel(include_content=True)
    agent = make_agent(otel.settings)
    await agent.run("Weather in Paris?")

    first, second = otel.named("chat")
    assert decoded(first, "gen_ai.input.messages") == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
    ]
    assert decoded(first, "gen_ai.output.messages") == [
        {
            "role": "assistant",
            "parts": [
                {"type": "tool_call", "id": "f1", "name": "fetch", "arguments": {"city": "Paris"}},
                {"type": "tool_call", "id": "c1", "name": "compute", "arguments": {"x": 3}},
            ],
            "finish_reason": "tool_call",
        }
    ]
    assert decoded(first, "gen_ai.system_instructions") == [{"type": "text", "content": "Answer briefly."}]
    tool_message = decoded(second, "gen_ai.input.messages")[-1]
    assert tool_message == {
        "role": "tool",
        "parts": [
            {"type": "tool_call_response", "id": "f1", "name": "fetch", "result": {"city": "Paris", "temperature": 21}},
            {"type": "tool_call_response", "id": "c1", "name": "compute", "result": 9},
        ],
    }
    fetch = otel.one("execute_tool fetch")
    assert attrs(fetch)["gen_ai.tool.call.arguments"] == '{"city":"Paris"}'
    assert decoded(fetch, "gen_ai.tool.call.result") == {"city": "Paris", "temperature": 21}
    assert attrs(otel.one("execute_tool compute"))["gen_ai.tool.call.result"] == "9"

    run = otel.one("invoke_agent")
    assert attrs(run)["final_result"] == FINAL
    roles = [m["role"] for m in decoded(run, "pydantic_ai.all_messages")]
    assert roles == ["user", "assistant", "tool", "assistant"]


@pytest.mark.parametrize("way", ["iter", "iter_next", "run_stream", "run_stream_events", "event_channel"])
async def test_every_way_of_running_nests_the_same(way: str, otel: Otel, autojump_clock: MockClock) -> None:
    agent = make_agent(otel.settings)
    with otel.tracer.start_as_current_span("request handler") as outer:
        if way == "iter":
            async with agent.iter("Weather in Paris?") as run:
                async for _ in run:
                    pass
        elif way == "iter_next":
            async with agent.iter("Weather in Paris?") as run:
                node = run.next_node
                while not agent.is_end_node(node):
                    node = await run.next(node)
        elif way == "run_stream":
            async with agent.run_stream("Weather in Paris?") as stream:
                assert await stream.get_output() == FINAL
        elif way == "run_stream_events":
            async with agent.run_stream_events("Weather in Paris?") as events:
                async for _ in events:
                    pass
        else:
            send, receive = trio.open_memory_channel[Any](100)
            async with receive:
                await agent.run("Weather in Paris?", event_channel=send)
    check_tree_under = otel.one("invoke_agent weather")
    assert check_tree_under.parent is not None
    assert check_tree_under.parent.span_id == outer.get_span_context().span_id
    children = sorted(s.name for s in otel.children(check_tree_under))
    assert children == ["chat scripted", "chat scripted", "execute_tool compute", "execute_tool fetch"]
    assert not otel.open_spans.open


async def test_time_to_first_chunk_is_recorded_for_streamed_requests_only(
    otel: Otel, autojump_clock: MockClock
) -> None:
    agent = make_agent(otel.settings)
    await agent.run("Weather in Paris?")
    assert otel.points("gen_ai.client.operation.time_to_first_chunk") == []
    async with agent.run_stream_events("Weather in Paris?") as events:
        async for _ in events:
            pass
    (point,) = otel.points("gen_ai.client.operation.time_to_first_chunk")
    assert point.count == 2
    assert point.sum == pytest.approx(2.0)  # each stream's first chunk came after 1 s (the clock is trio's)
    assert dict(point.attributes or {})["gen_ai.request.model"] == "scripted"


async def test_metrics_count_tokens_and_requests(otel: Otel, autojump_clock: MockClock) -> None:
    agent = make_agent(otel.settings)
    await agent.run("Weather in Paris?")
    tokens = {dict(p.attributes or {})["gen_ai.token.type"]: p for p in otel.points("gen_ai.client.token.usage")}
    assert (tokens["input"].count, tokens["input"].sum) == (2, 100)
    assert (tokens["output"].count, tokens["output"].sum) == (2, 16)
    expected = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "function",
        "gen_ai.request.model": "scripted",
        "gen_ai.response.model": "scripted",
    }
    assert expected.items() <= dict(tokens["input"].attributes or {}).items()
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration.count == 2
    assert duration.sum == pytest.approx(2.0)  # two requests of 1 s each


async def test_spans_inside_tools_nest_under_the_tool_span_even_in_threads(
    otel: Otel, autojump_clock: MockClock
) -> None:
    agent: Agent[None, str] = Agent(
        FunctionModel(
            lambda messages, info: (
                ModelResponse(parts=[ToolCallPart("sync_tool", {}), ToolCallPart("async_tool", {})])
                if len(messages) == 1
                else ModelResponse(parts=[TextPart("ok")])
            )
        ),
        instrument=otel.settings,
    )

    @agent.tool_plain
    def sync_tool() -> str:
        with otel.tracer.start_as_current_span("inside sync tool"):
            return "ok"

    @agent.tool_plain
    async def async_tool() -> str:
        with otel.tracer.start_as_current_span("inside async tool"):
            await trio.lowlevel.checkpoint()
            return "ok"

    await agent.run("go")
    inside_sync, inside_async = otel.one("inside sync tool"), otel.one("inside async tool")
    assert inside_sync.parent
    assert inside_sync.parent.span_id == otel.one("execute_tool sync_tool").context.span_id
    assert inside_async.parent
    assert inside_async.parent.span_id == otel.one("execute_tool async_tool").context.span_id


async def test_an_agent_called_from_a_tool_is_a_child_of_the_tool_span(otel: Otel, autojump_clock: MockClock) -> None:
    inner: Agent[None, str] = Agent(FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("inner")])), name="inner")
    outer: Agent[None, str] = Agent(
        FunctionModel(
            lambda messages, info: (
                ModelResponse(parts=[ToolCallPart("delegate", {})])
                if len(messages) == 1
                else ModelResponse(parts=[TextPart("outer")])
            )
        ),
        name="outer",
        instrument=otel.settings,
    )
    inner.instrument = otel.settings

    @outer.tool_plain
    async def delegate() -> str:
        return (await inner.run("hi")).output

    await outer.run("go")
    inner_run = otel.one("invoke_agent inner")
    assert inner_run.parent
    assert inner_run.parent.span_id == otel.one("execute_tool delegate").context.span_id
    assert inner_run.context.trace_id == otel.one("invoke_agent outer").context.trace_id


async def test_concurrent_runs_fanned_in_are_separate_traces(otel: Otel, autojump_clock: MockClock) -> None:
    agent = make_agent(otel.settings)
    send, receive = trio.open_memory_channel[Any](0)
    results: list[Any] = []

    async def ask(question: str, events: trio.MemorySendChannel[Any]) -> None:
        await agent.run(question, event_channel=events)

    async with trio.open_nursery() as nursery:
        async with send:
            for i in range(12):
                nursery.start_soon(ask, f"question {i}", send.clone())
        async with receive:
            async for event in receive:
                if type(event).__name__ == "AgentRunResultEvent":
                    results.append(event)
    assert len(results) == 12
    roots = otel.named("invoke_agent")
    assert len(roots) == 12
    assert len({r.context.trace_id for r in roots}) == 12
    for root in roots:
        in_trace = [s for s in otel.spans if s.context.trace_id == root.context.trace_id]
        assert sorted(s.name for s in in_trace) == sorted(
            ["invoke_agent weather", "chat scripted", "chat scripted", "execute_tool fetch", "execute_tool compute"]
        )
        assert all(s is root or (s.parent and s.parent.span_id == root.context.span_id) for s in in_trace)
    assert {attrs(r)["gen_ai.agent.call.id"] for r in roots} == {e.result.run_id for e in results}


async def test_a_tool_asking_for_a_retry_marks_its_span_only(otel: Otel, autojump_clock: MockClock) -> None:
    calls: list[int] = []
    agent: Agent[None, str] = Agent(
        FunctionModel(
            lambda messages, info: (
                ModelResponse(parts=[ToolCallPart("flaky", {}, f"t{len(messages)}")])
                if len(messages) < 4
                else ModelResponse(parts=[TextPart("done")])
            )
        ),
        instrument=otel.settings,
    )

    @agent.tool_plain
    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ModelRetry("try again")
        return "fine"

    await agent.run("go")
    first, second = otel.named("execute_tool flaky")
    assert failed_with(first) == "ModelRetry"
    assert failed_with(second) is None
    assert failed_with(otel.one("invoke_agent")) is None


async def test_a_failing_tool_fails_its_span_and_the_run_span(otel: Otel, autojump_clock: MockClock) -> None:
    agent: Agent[None, str] = Agent(
        FunctionModel(lambda messages, info: ModelResponse(parts=[ToolCallPart("broken", {})])),
        instrument=otel.settings,
    )

    @agent.tool_plain
    def broken() -> str:
        raise ValueError("disk on fire")

    with pytest.raises(ValueError, match="disk on fire"):
        await agent.run("go")
    assert failed_with(otel.one("execute_tool broken")) == "ValueError"
    run = otel.one("invoke_agent")
    assert failed_with(run) == "ValueError"
    assert "disk on fire" in (run.status.description or "")
    assert not otel.open_spans.open


async def test_an_http_error_fails_the_request_span_and_its_duration_says_so(
    otel: Otel, autojump_clock: MockClock
) -> None:
    def refuse(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise ModelHTTPError(503, "scripted", {"error": "overloaded"})

    agent: Agent[None, str] = Agent(FunctionModel(refuse, model_name="scripted"), instrument=otel.settings)
    with pytest.raises(ModelHTTPError):
        await agent.run("go")
    assert failed_with(otel.one("chat scripted")) == "ModelHTTPError"
    assert failed_with(otel.one("invoke_agent")) == "ModelHTTPError"
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert dict(duration.attributes or {})["error.type"] == "ModelHTTPError"
    assert otel.points("gen_ai.client.token.usage") == []


@pytest.mark.parametrize(("version", "is_error"), [(5, False), (4, True)])
async def test_a_deferred_call_is_an_error_only_in_older_span_versions(
    version: int, is_error: bool, autojump_clock: MockClock
) -> None:
    otel = Otel(version=version)
    agent: Agent[None, Any] = Agent(
        FunctionModel(lambda messages, info: ModelResponse(parts=[ToolCallPart("later", {})])),
        instrument=otel.settings,
        output_type=[str, DeferredToolRequests],
    )

    @agent.tool_plain
    def later() -> str:
        raise CallDeferred()

    await agent.run("go")
    span = otel.one("execute_tool later")
    assert attrs(span)["pydantic_ai.tool.deferral.name"] == "CallDeferred"
    assert (failed_with(span) == "CallDeferred") is is_error


async def test_span_format_version_2_uses_the_earlier_names(autojump_clock: MockClock) -> None:
    otel = Otel(version=2, include_content=True)
    agent = make_agent(otel.settings)
    await agent.run("Weather in Paris?")
    assert sorted(s.name for s in otel.spans) == sorted(
        ["agent run", "chat scripted", "chat scripted", "running tool", "running tool"]
    )
    tool = next(s for s in otel.spans if s.name == "running tool" and attrs(s)["gen_ai.tool.name"] == "compute")
    assert attrs(tool)["tool_arguments"] == '{"x":3}'
    assert attrs(tool)["tool_response"] == "9"


async def test_instrument_all_applies_to_agents_not_told_otherwise(otel: Otel, autojump_clock: MockClock) -> None:
    told_not_to = make_agent(False)
    default = make_agent(None)
    try:
        Agent.instrument_all(otel.settings)
        await default.run("go")
        await told_not_to.run("go")
        assert len(otel.named("invoke_agent")) == 1
        Agent.instrument_all(False)
        await default.run("go")
        assert len(otel.named("invoke_agent")) == 1
    finally:
        Agent.instrument_all(False)


async def test_the_capability_form_is_the_same_and_never_doubles(otel: Otel, autojump_clock: MockClock) -> None:
    agent = make_agent(True, capabilities=[Instrumentation(otel.settings)])
    await agent.run("Weather in Paris?")
    check_tree(otel)


async def test_bad_settings_say_what_to_do() -> None:
    with pytest.raises(UserError, match="use 2, 3, 4 or 5"):
        InstrumentationSettings(version=1)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="span attributes"):
        InstrumentationSettings(event_mode="logs")  # type: ignore[arg-type]


async def test_without_opentelemetry_instrument_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "opentelemetry.trace", None)
    with pytest.raises(UserError, match=r"pip install 'trio-agent\[otel\]'"):
        Agent("test", instrument=True)
    with pytest.raises(UserError, match=r"pip install 'trio-agent\[otel\]'"):
        Agent.instrument_all(True)
    with pytest.raises(UserError, match=r"pip install 'trio-agent\[otel\]'"):
        InstrumentationSettings()


async def test_run_context_names_the_agent(otel: Otel, autojump_clock: MockClock) -> None:
    seen: list[Any] = []
    agent: Agent[None, str] = Agent(
        FunctionModel(
            lambda messages, info: (
                ModelResponse(parts=[ToolCallPart("look", {})])
                if len(messages) == 1
                else ModelResponse(parts=[TextPart("ok")])
            )
        )
    )

    @agent.tool
    def look(ctx: RunContext[None]) -> str:
        seen.append(ctx.agent)
        return "ok"

    await agent.run("go")
    assert seen == [agent]


def test_importing_the_package_imports_no_opentelemetry() -> None:
    """OpenTelemetry is an optional dependency: importing the package (and its public modules that name the
    instrumentation classes) imports none of it; making settings does."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import trio_agent, trio_agent.capabilities, trio_agent.models.instrumented, trio_agent.agent\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
        "trio_agent.InstrumentationSettings()\n"
        "print('opentelemetry.trace' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True"]


async def test_a_model_used_directly_is_traced_by_instrumented_model(otel: Otel, autojump_clock: MockClock) -> None:
    from trio_agent.direct import model_request, model_request_stream
    from trio_agent.messages import ModelRequest
    from trio_agent.models.instrumented import InstrumentedModel, instrument_model

    model = instrument_model(scripted_model(), otel.settings)
    assert isinstance(model, InstrumentedModel)
    assert instrument_model(model, otel.settings) is model
    messages = [ModelRequest.user_text_prompt("Weather in Paris?")]
    with otel.tracer.start_as_current_span("my code") as mine:
        response = await model_request(model, messages, model_settings={"temperature": 0.2})
        async with model_request_stream(model, messages) as stream:
            async for _ in stream:
                pass
    plain, streamed = otel.named("chat")
    for span in (plain, streamed):
        assert span.parent is not None
        assert span.parent.span_id == mine.get_span_context().span_id
    assert attrs(plain)["gen_ai.request.temperature"] == 0.2
    assert attrs(plain)["gen_ai.response.finish_reasons"] == (response.finish_reason,)
    assert attrs(streamed)["gen_ai.usage.input_tokens"] == stream.get().usage.input_tokens
    (first_chunk,) = otel.points("gen_ai.client.operation.time_to_first_chunk")
    assert (first_chunk.count, first_chunk.sum) == (1, pytest.approx(1.0))


async def test_a_failure_to_record_never_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, autojump_clock: MockClock
) -> None:
    import trio_agent._otel.tracing as tracing

    def broken(value: Any) -> str:
        raise RuntimeError("exporter bug")

    otel = Otel(include_content=True)
    monkeypatch.setattr(tracing, "dumps", broken)
    result = await make_agent(otel.settings).run("Weather in Paris?")
    assert result.output == FINAL
    assert not otel.open_spans.open
    assert len(otel.spans) == 5
    assert "Could not record the end of span 'invoke_agent weather'" in caplog.text
