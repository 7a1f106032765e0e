"""Long streams cost time linear in their length, on the model's side and on ``run_stream``'s.

Counted, not timed (the machine is noisy): every text, thinking and tool-call part built during a stream is
counted with the length of its text, so building the whole part again per delta (quadratic: ~N/2 times the
final length for N deltas) cannot pass for building it a few times.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from trio_agent import Agent
from trio_agent._engine.streamed_run import StreamedRunResult
from trio_agent._messages.deltas import GrowingPart
from trio_agent.messages import (
    BuiltinToolCallPart,
    ModelMessage,
    PartEndEvent,
    TextPart,
    ThinkingPart,
    ToolCallPart,
)
from trio_agent.models import ModelResponsePartsManager
from trio_agent.models.function import AgentInfo, DeltaThinkingPart, DeltaToolCall, FunctionModel

N = 2000
"""Deltas per part: enough that a per-delta copy of the part would cost ~1,000 times the final length."""

_GROWN = {TextPart: "content", ThinkingPart: "content", ToolCallPart: "args", BuiltinToolCallPart: "args"}


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """The number of characters of text put into new parts so far (each part built counts its whole text)."""
    total = [0]
    for cls, field in _GROWN.items():
        build = cls.__init__

        def counting(self: Any, *args: Any, _build: Any = build, _field: str = field, **kwargs: Any) -> None:
            _build(self, *args, **kwargs)
            value = getattr(self, _field)
            if isinstance(value, str):
                total[0] += len(value)

        monkeypatch.setattr(cls, "__init__", counting)
    return lambda: total[0]


def test_the_parts_manager_does_not_rebuild_a_part_per_delta(copied: Callable[[], int]) -> None:
    manager = ModelResponsePartsManager()
    manager.handle_thinking_delta(vendor_part_id="think", content="")
    manager.handle_text_delta(vendor_part_id="text", content="")
    manager.handle_tool_call_delta(vendor_part_id="call", tool_name="t", tool_call_id="c")
    for _ in range(N):  # interleaved, as providers may send them
        manager.handle_thinking_delta(vendor_part_id="think", content="hmm. ")
        manager.handle_text_delta(vendor_part_id="text", content="word ")
        manager.handle_tool_call_delta(vendor_part_id="call", args='"ab", ')
    parts = manager.get_parts()
    assert [manager.get_part(i) for i in range(3)] == parts
    assert copied() == 16 * N  # each part's text built once, when asked for
    assert parts == [ThinkingPart("hmm. " * N), TextPart("word " * N), ToolCallPart("t", '"ab", ' * N, "c")]


async def test_a_streamed_run_builds_each_part_a_few_times(copied: Callable[[], int]) -> None:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[Any]:
        if len(messages) == 1:
            yield {0: DeltaThinkingPart(content="")}
            for _ in range(N):
                yield {0: DeltaThinkingPart(content="hmm. ")}
            yield {1: DeltaToolCall("look", "", tool_call_id="c")}
            for _ in range(N):
                yield {1: DeltaToolCall(json_args=" ")}
            yield {1: DeltaToolCall(json_args="{}")}
        else:
            for _ in range(N):
                yield "word "

    agent = Agent(FunctionModel(stream_function=stream))

    @agent.tool_plain
    def look() -> str:
        return "seen"

    ends = []
    async with agent.run_stream_events("go") as events:
        async for event in events:
            if isinstance(event, PartEndEvent):
                ends.append(event.part)
    built = copied()
    assert ends == [ThinkingPart("hmm. " * N), ToolCallPart("look", " " * N + "{}", "c"), TextPart("word " * N)]
    assert built <= 2 * (5 * N + (N + 2) + 5 * N)  # each part's whole text built about once, for its end event


async def test_run_stream_follows_text_deltas_without_joining_the_whole_text(
    copied: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``stream_text(delta=True)`` yields each delta without building the text so far (or any part)."""
    reads = {"answer text": 0, "parts": 0}
    answer_text, part = StreamedRunResult._answer_text, GrowingPart.part

    def counting_answer_text(self: Any) -> str:
        reads["answer text"] += 1
        return answer_text(self)

    def counting_part(self: Any) -> Any:
        reads["parts"] += 1
        return part.__get__(self)

    monkeypatch.setattr(StreamedRunResult, "_answer_text", counting_answer_text)
    monkeypatch.setattr(GrowingPart, "part", property(counting_part))

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        for _ in range(N):
            yield "word "

    async with Agent(FunctionModel(stream_function=stream)).run_stream("go") as result:
        deltas = [text async for text in result.stream_text(delta=True, debounce_by=None)]
    assert deltas == ["word "] * N
    assert reads == {"answer text": 0, "parts": 2}  # the model's side: the end event and the final response
    assert copied() == 5 + 5 * N  # the part the first delta started, and the whole part once for its end event
