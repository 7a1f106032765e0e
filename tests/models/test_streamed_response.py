"""StreamedResponse: FinalResultEvent injection, PartEndEvent synthesis, get() and closing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from trio_agent.messages import (
    BinaryImage,
    BuiltinToolReturnPart,
    FilePart,
    FinalResultEvent,
    ModelResponseStreamEvent,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
)
from trio_agent.models import ModelRequestParameters, ModelResponsePartsManager, StreamedResponse
from trio_agent.tools import ToolDefinition

Step = Callable[[ModelResponsePartsManager], Any]
_TS = datetime(2025, 1, 1, tzinfo=UTC)


class ScriptedResponse(StreamedResponse):
    """Drives the parts manager through ``steps``; each step's returned event (if any) is yielded."""

    def __init__(self, params: ModelRequestParameters, steps: list[Step]) -> None:
        super().__init__(params)
        self._steps = steps
        self.closed = False

    async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        try:
            for step in self._steps:
                event = step(self._parts_manager)
                if event is not None:
                    yield event
        finally:
            self.closed = True

    @property
    def model_name(self) -> str:
        return "scripted"

    @property
    def provider_name(self) -> str | None:
        return "script"

    @property
    def timestamp(self) -> datetime:
        return _TS


def text(vid: Any, content: str) -> Step:
    return lambda pm: pm.handle_text_delta(vendor_part_id=vid, content=content)


def call(vid: Any, name: str | None = None, args: Any = None, call_id: str | None = None) -> Step:
    return lambda pm: pm.handle_tool_call_delta(vendor_part_id=vid, tool_name=name, args=args, tool_call_id=call_id)


def thinking(vid: Any, content: str) -> Step:
    return lambda pm: pm.handle_thinking_delta(vendor_part_id=vid, content=content)


async def _run(params: ModelRequestParameters, steps: list[Step]) -> tuple[list[Any], ScriptedResponse]:
    response = ScriptedResponse(params, steps)
    return [event async for event in response], response


OUTPUT_PARAMS = ModelRequestParameters(
    function_tools=[
        ToolDefinition(name="lookup"),
        ToolDefinition(name="ask_human", kind="external"),
    ],
    output_mode="tool",
    output_tools=[ToolDefinition(name="final_result", kind="output")],
    allow_text_output=False,
)


async def test_text_tool_text_ordering() -> None:
    events, response = await _run(
        ModelRequestParameters(),
        [
            text("t1", "Hi"),
            text("t1", " there"),
            call("c", "lookup", '{"q":', "id1"),
            call("c", args=' "x"}'),
            text("t2", "Bye"),
        ],
    )
    tool_final = ToolCallPart("lookup", '{"q": "x"}', "id1")
    assert events == [
        PartStartEvent(index=0, part=TextPart("Hi")),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartDeltaEvent(index=0, delta=TextPartDelta(" there")),
        PartEndEvent(index=0, part=TextPart("Hi there"), next_part_kind="tool-call"),
        PartStartEvent(index=1, part=ToolCallPart("lookup", '{"q":', "id1"), previous_part_kind="text"),
        PartDeltaEvent(index=1, delta=ToolCallPartDelta(args_delta=' "x"}', tool_call_id="id1")),
        PartEndEvent(index=1, part=tool_final, next_part_kind="text"),
        PartStartEvent(index=2, part=TextPart("Bye"), previous_part_kind="tool-call"),
        PartEndEvent(index=2, part=TextPart("Bye")),
    ]
    assert response.final_result_event == FinalResultEvent(tool_name=None, tool_call_id=None)
    got = response.get()
    assert got.parts == [TextPart("Hi there"), tool_final, TextPart("Bye")]
    assert got.state == "complete"
    assert (got.model_name, got.provider_name, got.timestamp) == ("scripted", "script", _TS)


async def test_output_tool_final_result_once_with_name_and_id() -> None:
    events, response = await _run(
        OUTPUT_PARAMS,
        [
            thinking("th", "hmm"),
            text("t", "not output"),
            call("a", "lookup", "{}", "f1"),
            call("b", "final_result", '{"x": 1}', "out1"),
            call("c", "final_result", '{"x": 2}', "out2"),
        ],
    )
    finals = [e for e in events if isinstance(e, FinalResultEvent)]
    assert finals == [FinalResultEvent(tool_name="final_result", tool_call_id="out1")]
    index = events.index(finals[0])
    assert events[index - 1] == PartStartEvent(
        index=3, part=ToolCallPart("final_result", '{"x": 1}', "out1"), previous_part_kind="tool-call"
    )
    assert events[index - 2] == PartEndEvent(
        index=2, part=ToolCallPart("lookup", "{}", "f1"), next_part_kind="tool-call"
    )
    assert events[0] == PartStartEvent(index=0, part=ThinkingPart("hmm"))
    assert events[1] == PartEndEvent(index=0, part=ThinkingPart("hmm"), next_part_kind="text")
    assert response.final_result_event == finals[0]


async def test_no_final_result_for_text_when_text_output_not_allowed() -> None:
    events, response = await _run(OUTPUT_PARAMS, [text(0, "a"), text(0, "b"), call(1, "lookup", "{}", "x")])
    assert not any(isinstance(e, FinalResultEvent) for e in events)
    assert response.final_result_event is None
    assert [type(e).__name__ for e in events] == [
        "PartStartEvent",
        "PartDeltaEvent",
        "PartEndEvent",
        "PartStartEvent",
        "PartEndEvent",
    ]


async def test_empty_initial_text_part_triggers_final_result() -> None:
    events, _ = await _run(ModelRequestParameters(), [text(0, "")])
    assert events == [
        PartStartEvent(index=0, part=TextPart("")),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartEndEvent(index=0, part=TextPart("")),
    ]


async def test_deferred_tool_gives_anonymous_final_result() -> None:
    events, _ = await _run(OUTPUT_PARAMS, [call(0, "ask_human", "{}", "h1")])
    assert events[1] == FinalResultEvent(tool_name=None, tool_call_id=None)


async def test_final_result_after_the_start_that_follows_an_end() -> None:
    events, _ = await _run(ModelRequestParameters(), [thinking(0, "x"), text(1, "answer")])
    assert events == [
        PartStartEvent(index=0, part=ThinkingPart("x")),
        PartEndEvent(index=0, part=ThinkingPart("x"), next_part_kind="text"),
        PartStartEvent(index=1, part=TextPart("answer"), previous_part_kind="thinking"),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartEndEvent(index=1, part=TextPart("answer")),
    ]


async def test_overwrite_at_same_index_ends_the_earlier_start() -> None:
    steps: list[Step] = [
        call("v", "draft", "{", "c1"),
        lambda pm: pm.handle_tool_call_part(vendor_part_id="v", tool_name="final", args={"k": 1}, tool_call_id="c2"),
    ]
    events, response = await _run(ModelRequestParameters(), steps)
    final = ToolCallPart("final", {"k": 1}, "c2")
    assert events == [
        PartStartEvent(index=0, part=ToolCallPart("draft", "{", "c1")),
        PartEndEvent(index=0, part=final, next_part_kind="tool-call"),
        PartStartEvent(index=0, part=final, previous_part_kind="tool-call"),
        PartEndEvent(index=0, part=final),
    ]
    assert response.get().parts == [final]


async def test_placeholder_start_ends_the_previous_part() -> None:
    events, _ = await _run(
        ModelRequestParameters(),
        [call(0, args='{"a": 1}'), text("t", "hi"), call(0, name="late", call_id="L")],
    )
    late = ToolCallPart("late", '{"a": 1}', "L")
    assert events == [
        PartStartEvent(index=1, part=TextPart("hi")),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartEndEvent(index=1, part=TextPart("hi"), next_part_kind="tool-call"),
        PartStartEvent(index=0, part=late, previous_part_kind="text"),
        PartEndEvent(index=0, part=late),
    ]


async def test_no_end_events_for_builtin_returns_and_files() -> None:
    image = FilePart(BinaryImage(data=b"\x89PNG", media_type="image/png"))
    ret = BuiltinToolReturnPart("web_search", "results", "b1")
    params = ModelRequestParameters(output_mode="tool", allow_text_output=False, allow_image_output=True)
    events, response = await _run(
        params,
        [
            text(0, "a"),
            lambda pm: pm.handle_part(vendor_part_id=1, part=ret),
            lambda pm: pm.handle_part(vendor_part_id=2, part=image),
        ],
    )
    assert events == [
        PartStartEvent(index=0, part=TextPart("a")),
        PartEndEvent(index=0, part=TextPart("a"), next_part_kind="builtin-tool-return"),
        PartStartEvent(index=1, part=ret, previous_part_kind="text"),
        PartStartEvent(index=2, part=image, previous_part_kind="builtin-tool-return"),
        FinalResultEvent(tool_name=None, tool_call_id=None),
    ]
    assert response.get().parts == [TextPart("a"), ret, image]


async def test_empty_stream() -> None:
    events, response = await _run(ModelRequestParameters(), [])
    assert events == []
    assert response.get().parts == []
    assert response.get().state == "complete"
    assert response.final_result_event is None


async def test_iteration_state_and_partial_get() -> None:
    response = ScriptedResponse(ModelRequestParameters(), [text(0, "a"), text(0, "b")])
    assert aiter(response) is aiter(response)
    assert response.get().parts == []
    assert response.get().state == "incomplete"
    first = await anext(response)
    assert first == PartStartEvent(index=0, part=TextPart("a"))
    assert response.get().parts == [TextPart("a")]
    assert response.get().state == "incomplete"
    rest = [event async for event in response]
    assert rest == [
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartDeltaEvent(index=0, delta=TextPartDelta("b")),
        PartEndEvent(index=0, part=TextPart("ab")),
    ]
    assert response.get().state == "complete"
    # iterating again yields nothing more
    assert [event async for event in response] == []


async def test_aclose_closes_the_event_source() -> None:
    response = ScriptedResponse(ModelRequestParameters(), [text(0, "a"), text(0, "b"), text(0, "c")])
    await anext(response)
    assert response.closed is False
    await response.aclose()
    assert response.closed is True
    # nothing more comes from the source (the FinalResultEvent already queued for the start is still delivered)
    assert [event async for event in response] == [FinalResultEvent(tool_name=None, tool_call_id=None)]
    # closed early, the response is not complete
    assert response.get().parts == [TextPart("a")]
    assert response.get().state == "incomplete"


async def test_usage_method_returns_current_usage() -> None:
    class Counting(ScriptedResponse):
        async def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
            self._usage.input_tokens = 10
            yield self._parts_manager.handle_text_delta(vendor_part_id=0, content="x")
            self._usage.output_tokens += 3

    response = Counting(ModelRequestParameters(), [])
    assert response.usage().input_tokens == 0
    await anext(response)
    assert (response.usage().input_tokens, response.usage().output_tokens) == (10, 0)
    [event async for event in response]
    assert response.usage().output_tokens == 3
    assert response.get().usage == response.usage()


async def test_a_long_interleaved_stream_gives_the_same_events_and_parts_as_applying_each_delta() -> None:
    """Text, thinking and tool-call arguments in many deltas, parts growing after their end event: the events
    are exact, ``get()`` after each is the parts so far (after an end event, with the part whose start is queued),
    and no part handed out changes afterwards."""
    steps: list[Step] = [thinking("th", "Let"), thinking("th", " me")]
    steps.append(lambda pm: pm.handle_thinking_delta(vendor_part_id="th", signature="sig"))
    steps += [text("t", "Hel"), text("t", "lo"), call("c", "lookup", '{"q"', "id1"), call("c", args=': "x')]
    steps += [text("t", "!"), call("c", args='y"}'), thinking("th", ".")]  # earlier parts grow again
    response = ScriptedResponse(ModelRequestParameters(), steps)
    events, snapshots = [], [response.get()]
    async for event in response:
        events.append(event)
        snapshots.append(response.get())
    assert events == [
        PartStartEvent(index=0, part=ThinkingPart("Let")),
        PartDeltaEvent(index=0, delta=ThinkingPartDelta(content_delta=" me")),
        PartDeltaEvent(index=0, delta=ThinkingPartDelta(signature_delta="sig")),
        PartEndEvent(index=0, part=ThinkingPart("Let me", signature="sig"), next_part_kind="text"),
        PartStartEvent(index=1, part=TextPart("Hel"), previous_part_kind="thinking"),
        FinalResultEvent(tool_name=None, tool_call_id=None),
        PartDeltaEvent(index=1, delta=TextPartDelta("lo")),
        PartEndEvent(index=1, part=TextPart("Hello"), next_part_kind="tool-call"),
        PartStartEvent(index=2, part=ToolCallPart("lookup", '{"q"', "id1"), previous_part_kind="text"),
        PartDeltaEvent(index=2, delta=ToolCallPartDelta(args_delta=': "x', tool_call_id="id1")),
        PartDeltaEvent(index=1, delta=TextPartDelta("!")),
        PartDeltaEvent(index=2, delta=ToolCallPartDelta(args_delta='y"}', tool_call_id="id1")),
        PartDeltaEvent(index=0, delta=ThinkingPartDelta(content_delta=".")),
        PartEndEvent(index=2, part=ToolCallPart("lookup", '{"q": "xy"}', "id1")),
    ]
    final = [ThinkingPart("Let me.", signature="sig"), TextPart("Hello!"), ToolCallPart("lookup", '{"q": "xy"}', "id1")]
    assert response.get().parts == final
    # and nothing handed out changed: the parts of the events and of the snapshots are as they were when given
    assert [p.part for p in events if isinstance(p, PartStartEvent | PartEndEvent)] == [
        ThinkingPart("Let"),
        ThinkingPart("Let me", signature="sig"),
        TextPart("Hel"),
        TextPart("Hello"),
        ToolCallPart("lookup", '{"q"', "id1"),
        ToolCallPart("lookup", '{"q": "xy"}', "id1"),
    ]
    assert [[getattr(p, "content", getattr(p, "args", None)) for p in s.parts] for s in snapshots] == [
        [],
        ["Let"],
        ["Let me"],
        ["Let me"],
        ["Let me", "Hel"],
        ["Let me", "Hel"],
        ["Let me", "Hel"],
        ["Let me", "Hello"],
        ["Let me", "Hello", '{"q"'],
        ["Let me", "Hello", '{"q"'],
        ["Let me", "Hello", '{"q": "x'],
        ["Let me", "Hello!", '{"q": "x'],
        ["Let me", "Hello!", '{"q": "xy"}'],
        ["Let me.", "Hello!", '{"q": "xy"}'],
        ["Let me.", "Hello!", '{"q": "xy"}'],
    ]
