"""``Agent.run_stream_sync``: the streamed run for sync code, a ``trio.run`` in a thread it owns and joins."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import trio
from pydantic import BaseModel

from trio_agent import Agent, UserError
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

WORDS = ["The ", "capital ", "of ", "France ", "is ", "Paris."]


def run_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("trio_agent run_stream_sync")]


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    assert run_threads() == []
    yield
    gc.collect()  # results a test dropped without closing them
    deadline = time.monotonic() + 5
    while run_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert run_threads() == []


class Streamed:
    """A FunctionModel that streams ``WORDS`` after looking ``capital`` up, and remembers how its stream ended."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.cancelled = threading.Event()
        self.model = FunctionModel(self.respond, stream_function=self.stream, model_name="streamed")

    def respond(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise AssertionError("only streamed")

    async def stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str | DeltaToolCalls]:
        if not any(isinstance(p, ToolReturnPart) for m in messages for p in m.parts):
            yield {0: DeltaToolCall("capital", '{"country": "France"}', tool_call_id="c1")}
            return
        try:
            for word in WORDS:
                await trio.sleep(0.001)
                yield word
            self.finished.set()
        except trio.Cancelled:
            self.cancelled.set()
            raise


def travel_agent(model: FunctionModel) -> Agent[None, str]:
    agent: Agent[None, str] = Agent(model)

    @agent.tool_plain
    def capital(country: str) -> str:
        return "Paris"

    return agent


def test_streams_text_then_the_whole_result_in_a_with_block() -> None:
    streamed = Streamed()
    with travel_agent(streamed.model).run_stream_sync("Capital of France?") as result:
        assert run_threads() != []  # the run lives in its own thread while the block is open
        assert not result.is_complete
        chunks = list(result.stream_text(delta=True, debounce_by=None))
        assert result.is_complete
        assert result.get_output() == "The capital of France is Paris."
    assert chunks == WORDS
    assert run_threads() == []  # leaving the block joined it
    assert streamed.finished.is_set()
    kinds = [[p.part_kind for p in m.parts] for m in result.all_messages()]
    assert kinds == [["user-prompt"], ["tool-call"], ["tool-return"], ["text"]]
    assert result.new_messages() == result.all_messages()
    assert b'"Capital of France?"' in result.all_messages_json()
    assert result.usage().requests == 2
    assert result.usage().tool_calls == 1
    assert result.result is not None
    assert result.result.output == "The capital of France is Paris."
    assert result.timestamp() == result.result.timestamp()
    assert result.run_id == result.result.run_id


def test_cumulative_text_and_get_output_without_a_with_block() -> None:
    result = travel_agent(Streamed().model).run_stream_sync("Capital of France?")
    texts = list(result.stream_text(debounce_by=None))
    assert texts[0] == "The "
    assert texts[-1] == "The capital of France is Paris."
    assert result.get_output() == "The capital of France is Paris."
    del result  # not closed: garbage collection ends its thread (checked by the fixture)


def test_leaving_early_cancels_the_run_and_joins_its_thread() -> None:
    streamed = Streamed()
    with travel_agent(streamed.model).run_stream_sync("Capital of France?") as result:
        for chunk in result.stream_text(delta=True, debounce_by=None):
            assert chunk == "The "
            break
    assert run_threads() == []
    assert streamed.cancelled.is_set()
    assert not streamed.finished.is_set()
    assert result.result is None
    with pytest.raises(UserError, match=r"`StreamedRunResultSync` is closed"):
        next(result.stream_text())
    assert [m.kind for m in result.all_messages()] == ["request", "response", "request"]  # what was committed


def test_an_iterator_left_unfinished_is_stopped_by_close() -> None:
    streamed = Streamed()
    result = travel_agent(streamed.model).run_stream_sync("Capital of France?")
    chunks = result.stream_text(delta=True, debounce_by=None)
    assert next(chunks) == "The "
    result.close()
    result.close()  # closing twice is fine
    assert streamed.cancelled.is_set()
    with pytest.raises(UserError, match="closed"):
        next(chunks)


class Capital(BaseModel):
    country: str
    city: str


def test_structured_output_streams_partial_then_complete_values() -> None:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
        yield {0: DeltaToolCall(info.output_tools[0].name, '{"country": "Fra', tool_call_id="out")}
        for piece in ['nce", "ci', 'ty": "Par', 'is"}']:
            yield {0: DeltaToolCall(json_args=piece)}

    agent = Agent(FunctionModel(stream_function=stream), output_type=Capital)
    with agent.run_stream_sync("Capital of France?") as result:
        outputs = list(result.stream_output(debounce_by=None))
        with pytest.raises(UserError, match="stream_output"):
            result.stream_text()
    assert outputs[-1] == Capital(country="France", city="Paris")
    assert Capital(country="France", city="Par") in outputs  # validated as far as it had streamed
    assert result.get_output() == Capital(country="France", city="Paris")


def test_responses_stream_as_snapshots() -> None:
    with travel_agent(Streamed().model).run_stream_sync("Capital of France?") as result:
        responses = list(result.stream_response(debounce_by=None))
    assert all(isinstance(r, ModelResponse) for r in responses)
    assert responses[-1].parts == [TextPart("The capital of France is Paris.")]
    with travel_agent(Streamed().model).run_stream_sync("Capital of France?") as result:
        pairs = list(result.stream_responses(debounce_by=None))
    assert [last for _, last in pairs] == [False] * (len(pairs) - 1) + [True]
    assert pairs[-1][0] == result.all_messages()[-1]


class LookupFailed(Exception):
    pass


def test_an_error_before_the_answer_is_raised_by_run_stream_sync_itself() -> None:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
        yield {0: DeltaToolCall("capital", '{"country": "France"}', tool_call_id="c1")}

    agent: Agent[None, str] = Agent(FunctionModel(stream_function=stream))

    @agent.tool_plain
    def capital(country: str) -> str:
        raise LookupFailed(country)

    with pytest.raises(LookupFailed, match="France"):
        agent.run_stream_sync("Capital of France?")


def test_an_error_while_streaming_is_raised_by_the_iterator() -> None:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "The capital "
        raise LookupFailed("the stream broke")

    with Agent(FunctionModel(stream_function=stream)).run_stream_sync("Capital?") as result:
        chunks = result.stream_text(delta=True, debounce_by=None)
        assert next(chunks) == "The capital "
        with pytest.raises(LookupFailed, match="the stream broke"):
            next(chunks)


def test_an_error_the_stream_never_reached_is_raised_when_the_block_is_left() -> None:
    failing = threading.Event()

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        yield "The capital "
        failing.set()
        raise LookupFailed("the stream broke")

    result = Agent(FunctionModel(stream_function=stream)).run_stream_sync("Capital?")
    assert failing.wait(5)
    time.sleep(0.2)  # the run, ahead of the reader, fails in its thread meanwhile
    with pytest.raises(LookupFailed, match="the stream broke"):
        result.__exit__(None, None, None)  # leaving a `with` block


async def no_stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
    raise AssertionError("this model is overridden")
    yield ""


def test_override_and_other_context_apply_to_the_run() -> None:
    agent = travel_agent(FunctionModel(stream_function=no_stream))
    with agent.override(model=Streamed().model):
        assert agent.run_stream_sync("Capital?").get_output() == "The capital of France is Paris."


def test_the_result_keeps_the_run_history_to_continue_from() -> None:
    agent = travel_agent(Streamed().model)
    with agent.run_stream_sync("Capital of France?") as first:
        first.get_output()
    with agent.run_stream_sync("And again?", message_history=first.all_messages()) as second:
        assert second.get_output() == "The capital of France is Paris."
    assert len(second.all_messages()) == 6  # the second turn found the capital in the history already
    assert [m.kind for m in second.new_messages()] == ["request", "response"]


async def test_refused_inside_a_running_trio_loop() -> None:
    agent = Agent(FunctionModel(lambda m, i: ModelResponse(parts=[TextPart("x")])))
    with pytest.raises(UserError, match=r"`Agent.run_stream_sync\(\)` cannot be called from inside a running trio"):
        agent.run_stream_sync("hi")
    assert run_threads() == []


def test_tool_calls_before_the_answer_ran_in_the_run_thread() -> None:
    seen: list[str] = []
    agent: Agent[None, str] = Agent(FunctionModel(stream_function=Streamed().stream))

    @agent.tool_plain
    async def capital(country: str) -> str:
        seen.append(threading.current_thread().name)
        return "Paris"

    with agent.run_stream_sync("Capital?") as result:
        result.get_output()
    assert len(seen) == 1
    assert seen[0].startswith("trio_agent run_stream_sync")
    calls: list[Any] = [p for m in result.all_messages() for p in m.parts if isinstance(p, ToolCallPart)]
    assert [c.tool_name for c in calls] == ["capital"]
