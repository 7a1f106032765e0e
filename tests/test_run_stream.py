"""``run_stream``: following the final answer as it streams."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest
import trio
import trio.lowlevel
import trio.testing
from pydantic import BaseModel

from conftest import task_names
from trio_agent import Agent, RunCancelled, UserError
from trio_agent.messages import (
    ModelMessage,
    ModelResponse,
    ModelResponseStreamEvent,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)
from trio_agent.models import Model, ModelRequestParameters, ModelResponsePartsManager, StreamedResponse
from trio_agent.models.function import AgentInfo, DeltaThinkingPart, DeltaToolCall, FunctionModel
from trio_agent.models.test import TestModel


class Profile(BaseModel):
    name: str
    age: int


def scripted(*turns: list[Any], pause: float = 0) -> FunctionModel:
    calls = [0]

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        calls[0] += 1
        for chunk in turns[calls[0] - 1]:
            if pause:
                await trio.sleep(pause)
            yield chunk

    return FunctionModel(stream_function=stream)


async def test_stream_text_deltas_and_cumulative_text() -> None:
    agent = Agent(TestModel(custom_output_text="The quick brown fox"))
    async with agent.run_stream("go") as result:
        deltas = [t async for t in result.stream_text(delta=True, debounce_by=None)]
    assert deltas == ["The ", "quick ", "brown ", "fox"]
    async with agent.run_stream("go") as result:
        texts = [t async for t in result.stream_text(debounce_by=None)]
        assert await result.get_output() == "The quick brown fox"
    assert texts == ["The ", "The quick ", "The quick brown ", "The quick brown fox"]
    assert result.usage().requests == 1
    assert [m.kind for m in result.all_messages()] == ["request", "response"]


async def test_debounce_groups_updates(autojump_clock: trio.testing.MockClock) -> None:
    agent = Agent(scripted(["a", "b", "c", "d", "e", "f"], pause=0.04))
    async with agent.run_stream("go") as result:
        texts = [t async for t in result.stream_text(debounce_by=0.1)]
    assert texts[-1] == "abcdef"
    assert len(texts) < 6  # updates 40 ms apart were grouped by the 100 ms debounce
    assert texts == ["a", "abcd", "abcdef"]  # the first at once, then b-d and e-f each in one 100 ms window


async def test_tool_calls_before_the_final_answer_run_first() -> None:
    ran = []
    agent = Agent(scripted([{0: DeltaToolCall("lookup", '{"q": "x"}', tool_call_id="c")}], ["answer ", "text"]))

    @agent.tool_plain
    def lookup(q: str) -> str:
        ran.append(q)
        return "found"

    async with agent.run_stream("go") as result:
        assert ran == ["x"]  # the block is entered when the final answer starts
        assert [t async for t in result.stream_text(debounce_by=None)][-1] == "answer text"
    assert result.result is not None
    assert result.result.output == "answer text"


async def test_stream_output_validates_structured_output_as_it_grows() -> None:
    chunks = ['{"name": "Ad', 'a", "a', 'ge": 3', "6}"]
    turn = [{0: DeltaToolCall("final_result", chunks[0], tool_call_id="o")}]
    turn += [{0: DeltaToolCall(json_args=c)} for c in chunks[1:]]
    agent = Agent(scripted(turn, turn), output_type=Profile)
    async with agent.run_stream("go") as result:
        outputs = [o async for o in result.stream_output(debounce_by=None)]
    # partial as far as it validates, then the run's output, validated whole (last even when it equals the
    # last partial item, as in the reference)
    assert outputs == [Profile(name="Ada", age=3), Profile(name="Ada", age=36), Profile(name="Ada", age=36)]
    with pytest.raises(UserError, match="can only be used when the answer is text"):
        async with agent.run_stream("go") as again:
            async for _ in again.stream_text():
                pass


async def test_stream_responses_and_get_output() -> None:
    agent = Agent(scripted(["one ", "two"], ["one ", "two"]))
    async with agent.run_stream("go") as result:
        snapshots = [r async for r in result.stream_response(debounce_by=None)]
    assert all(isinstance(r, ModelResponse) for r in snapshots)
    assert snapshots[-1].text == "one two"
    async with agent.run_stream("go") as result:
        with pytest.raises(UserError, match="has not ended"):
            result.timestamp()
        assert not result.is_complete
        assert await result.get_output() == "one two"
        assert result.is_complete
        assert result.timestamp() == result.all_messages()[-1].timestamp


async def test_leaving_run_stream_early_cancels_the_run() -> None:
    closed = []

    async def endless(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        try:
            while True:
                yield "x"
                await trio.lowlevel.checkpoint()
        finally:
            closed.append(True)

    before = task_names()
    async with Agent(FunctionModel(stream_function=endless)).run_stream("go") as result:
        async for text in result.stream_text(debounce_by=None):
            if len(text) > 3:
                break
    assert closed == [True]
    assert task_names() == before


# -- long and interleaved streams ----------------------------------------------------------------------------


async def test_stream_text_deltas_yields_equal_deltas_in_a_row() -> None:
    agent = Agent(scripted(["tok "] * 5 + ["end"], ["tok "] * 5 + ["end"]))
    async with agent.run_stream("go") as result:
        deltas = [t async for t in result.stream_text(delta=True, debounce_by=None)]
    assert deltas == ["tok "] * 5 + ["end"]
    async with agent.run_stream("go") as result:
        texts = [t async for t in result.stream_text(debounce_by=None)]
    assert texts == ["tok " * n for n in range(1, 6)] + ["tok " * 5 + "end"]


async def test_thinking_tool_call_arguments_and_text_in_many_deltas() -> None:
    think = [{0: DeltaThinkingPart(content=c)} for c in ("Let", " me", " see")]
    call = [{1: DeltaToolCall("lookup", '{"q"', tool_call_id="c")}]
    call += [{1: DeltaToolCall(json_args=c)} for c in (": ", '"x', 'y"', "}")]
    answer = ["The ", "answer ", "is ", "42"]
    turns = [think + call, [*think, *answer]]
    agent = Agent(scripted(*turns, *turns))

    @agent.tool_plain
    def lookup(q: str) -> str:
        return q.upper()

    async with agent.run_stream("go") as result:
        deltas = [t async for t in result.stream_text(delta=True, debounce_by=None)]
    assert deltas == answer
    async with agent.run_stream("go") as result:
        snapshots = [(r, copy.deepcopy(r)) async for r in result.stream_response(debounce_by=None)]
    assert [r.parts for r, _ in snapshots] == [
        [ThinkingPart("Let me see"), TextPart("The answer ")],
        [ThinkingPart("Let me see"), TextPart("The answer is ")],
        [ThinkingPart("Let me see"), TextPart("The answer is 42")],
        [ThinkingPart("Let me see"), TextPart("The answer is 42")],  # (again after the part's end event)
    ]
    assert all(r == as_given for r, as_given in snapshots)  # none changed after it was given
    responses = [m.parts for m in result.all_messages() if isinstance(m, ModelResponse)]
    assert responses == [
        [ThinkingPart("Let me see"), ToolCallPart("lookup", '{"q": "xy"}', "c")],
        [ThinkingPart("Let me see"), TextPart("The answer is 42")],
    ]


class _PartsScript(StreamedResponse):
    """Drives the parts manager through ``steps`` (any vendor part ids, unlike ``FunctionModel``)."""

    def __init__(self, params: ModelRequestParameters, steps: list[Callable[[ModelResponsePartsManager], Any]]):
        super().__init__(params)
        self._steps = steps

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        for step in self._steps:
            yield step(self._parts_manager)

    model_name = "script"
    provider_name = None
    timestamp = datetime(2025, 1, 1, tzinfo=UTC)


class _PartsScriptModel(Model):
    def __init__(self, steps: list[Callable[[ModelResponsePartsManager], Any]]) -> None:
        super().__init__()
        self._steps = steps

    model_name = "script"
    system = "test"

    async def request(self, *args: Any) -> ModelResponse:
        raise NotImplementedError

    @asynccontextmanager
    async def request_stream(
        self, messages: Any, settings: Any, params: ModelRequestParameters, run_context: Any = None
    ) -> AsyncIterator[StreamedResponse]:
        yield _PartsScript(self.prepare_request(settings, params)[1], self._steps)


async def test_stream_text_when_an_earlier_text_part_grows() -> None:
    """Text that changes other than at its end: the delta stream gives the whole text again (as always)."""

    def text(vendor_id: str, content: str) -> Callable[[ModelResponsePartsManager], Any]:
        return lambda parts: parts.handle_text_delta(vendor_part_id=vendor_id, content=content)

    steps = [text("a", "Hel"), text("a", "lo"), text("b", "Wor"), text("a", "!"), text("b", "ld"), text("b", "!")]
    agent = Agent(_PartsScriptModel(steps))
    async with agent.run_stream("go") as result:
        deltas = [t async for t in result.stream_text(delta=True, debounce_by=None)]
    assert deltas == ["Hel", "lo", "Wor", "Hello!Wor", "ld", "!"]
    async with agent.run_stream("go") as result:
        texts = [t async for t in result.stream_text(debounce_by=None)]
    assert texts == ["Hel", "Hello", "HelloWor", "Hello!Wor", "Hello!World", "Hello!World!"]
    assert await result.get_output() == "Hello!World!"


async def test_stream_responses_pairs_response_and_validate_response_output() -> None:
    chunks = ['{"name": "Ad', 'a", "a', 'ge": 3', "6}"]
    turn = [{0: DeltaToolCall("final_result", chunks[0], tool_call_id="o")}]
    turn += [{0: DeltaToolCall(json_args=c)} for c in chunks[1:]]
    agent = Agent(scripted(turn, turn), output_type=Profile)
    async with agent.run_stream("go") as result:
        assert [p.tool_name for p in result.response.parts if isinstance(p, ToolCallPart)] == ["final_result"]
        pairs = [pair async for pair in result.stream_responses(debounce_by=None)]
    assert [last for _, last in pairs] == [False] * (len(pairs) - 1) + [True]
    final = pairs[-1][0]
    assert final is result.response
    assert final == result.all_messages()[-2]  # (the output tool's return follows it)
    assert await result.validate_response_output(final) == Profile(name="Ada", age=36)
    age_cut_short = next(r for r, _ in pairs if r.parts[0].args == '{"name": "Ada", "age": 3')  # type: ignore[union-attr]
    assert await result.validate_response_output(age_cut_short, allow_partial=True) == Profile(name="Ada", age=3)
    with pytest.raises(pydantic.ValidationError):
        await result.validate_response_output(age_cut_short)  # not a whole object
    with pytest.raises(pydantic.ValidationError):
        await result.validate_response_output(pairs[0][0], allow_partial=True)  # no age at all yet


async def test_cancel_stops_the_run_and_raises_run_cancelled(autojump_clock: trio.testing.MockClock) -> None:
    agent = Agent(scripted(["slow ", "answer ", "that ", "never ", "ends"], pause=10))
    with pytest.raises(RunCancelled) as raised:
        async with agent.run_stream("go") as result:
            entered = trio.current_time()  # the first chunk came after 10 s
            assert not result.cancelled
            result.cancel("enough")
            await trio.lowlevel.checkpoint()  # the cancellation takes effect at the run's next scheduling point
            assert result.cancelled
            with pytest.raises(RunCancelled, match="enough"):
                await result.get_output()
    assert raised.value.reason == "enough"
    assert [m.kind for m in raised.value.messages] == ["request"]  # the answer in flight was abandoned
    assert trio.current_time() == entered  # it did not wait for the next chunk


async def test_stream_output_passes_the_text_through_a_text_output_function() -> None:
    from trio_agent import TextOutput

    def shout(text: str) -> str:
        return text.upper()

    agent = Agent(TestModel(custom_output_text="The quick brown fox"))
    async with agent.run_stream("go", output_type=TextOutput(shout)) as result:
        outputs = [o async for o in result.stream_output(debounce_by=None)]
    assert outputs == ["THE ", "THE QUICK ", "THE QUICK BROWN ", "THE QUICK BROWN FOX", "THE QUICK BROWN FOX"]
