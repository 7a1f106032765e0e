"""ModelResponsePartsManager: turning streamed fragments into parts and start/delta events."""

from __future__ import annotations

import re

import pytest

from trio_agent import UnexpectedModelBehavior
from trio_agent.messages import (
    PartDeltaEvent,
    PartStartEvent,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
)
from trio_agent.models import ModelResponsePartsManager

# -- text -----------------------------------------------------------------------------------------------


def test_text_delta_with_vendor_ids() -> None:
    manager = ModelResponsePartsManager()
    assert manager.handle_text_delta(vendor_part_id="a", content="Hel") == PartStartEvent(index=0, part=TextPart("Hel"))
    assert manager.handle_text_delta(vendor_part_id="b", content="other") == PartStartEvent(
        index=1, part=TextPart("other")
    )
    assert manager.handle_text_delta(vendor_part_id="a", content="lo") == PartDeltaEvent(
        index=0, delta=TextPartDelta("lo")
    )
    assert manager.get_parts() == [TextPart("Hello"), TextPart("other")]


def test_text_delta_without_vendor_id_extends_the_latest_text_part() -> None:
    manager = ModelResponsePartsManager()
    assert manager.handle_text_delta(vendor_part_id=None, content="") == PartStartEvent(index=0, part=TextPart(""))
    assert manager.handle_text_delta(vendor_part_id=None, content="a") == PartDeltaEvent(
        index=0, delta=TextPartDelta("a")
    )
    assert manager.handle_text_delta(vendor_part_id=None, content="") == PartDeltaEvent(
        index=0, delta=TextPartDelta("")
    )
    manager.handle_tool_call_part(vendor_part_id=None, tool_name="t", args={}, tool_call_id="c")
    # the latest part is a tool call now, so text starts a new part
    assert manager.handle_text_delta(vendor_part_id=None, content="b") == PartStartEvent(index=2, part=TextPart("b"))
    assert manager.get_parts() == [TextPart("a"), ToolCallPart("t", {}, "c"), TextPart("b")]


def test_text_delta_provider_fields() -> None:
    manager = ModelResponsePartsManager()
    start = manager.handle_text_delta(vendor_part_id=0, content="x", id="msg1", provider_name="p")
    assert start == PartStartEvent(index=0, part=TextPart("x", id="msg1", provider_name="p"))
    # an unchanged provider name is not repeated on the delta
    assert manager.handle_text_delta(vendor_part_id=0, content="y", provider_name="p") == PartDeltaEvent(
        index=0, delta=TextPartDelta("y")
    )
    assert manager.get_parts() == [TextPart("xy", id="msg1", provider_name="p")]


# -- thinking -------------------------------------------------------------------------------------------


def test_thinking_delta_start_and_grow() -> None:
    manager = ModelResponsePartsManager()
    assert manager.handle_thinking_delta(vendor_part_id="t", content="Let") == PartStartEvent(
        index=0, part=ThinkingPart("Let")
    )
    assert manager.handle_thinking_delta(vendor_part_id="t", content=" me") == PartDeltaEvent(
        index=0, delta=ThinkingPartDelta(content_delta=" me")
    )
    assert manager.handle_thinking_delta(vendor_part_id="t", signature="sig") == PartDeltaEvent(
        index=0, delta=ThinkingPartDelta(signature_delta="sig")
    )
    # nothing new: no event
    assert manager.handle_thinking_delta(vendor_part_id="t") is None
    assert manager.get_parts() == [ThinkingPart("Let me", signature="sig")]


def test_thinking_delta_start_from_signature_only() -> None:
    manager = ModelResponsePartsManager()
    assert manager.handle_thinking_delta(vendor_part_id=None, signature="s") == PartStartEvent(
        index=0, part=ThinkingPart("", signature="s")
    )
    assert manager.handle_thinking_delta(vendor_part_id=None, content="x") == PartDeltaEvent(
        index=0, delta=ThinkingPartDelta(content_delta="x")
    )
    assert manager.get_parts() == [ThinkingPart("x", signature="s")]


def test_thinking_delta_with_nothing_cannot_start_a_part() -> None:
    manager = ModelResponsePartsManager()
    with pytest.raises(
        UnexpectedModelBehavior, match="Cannot create a ThinkingPart with no content, signature, or provider_details"
    ):
        manager.handle_thinking_delta(vendor_part_id="t")
    assert manager.get_parts() == []


# -- tool calls -----------------------------------------------------------------------------------------


def test_tool_call_delta_named_start_then_args() -> None:
    manager = ModelResponsePartsManager()
    assert manager.handle_tool_call_delta(vendor_part_id=0, tool_name="search", tool_call_id="c1") == PartStartEvent(
        index=0, part=ToolCallPart("search", None, "c1")
    )
    assert manager.handle_tool_call_delta(vendor_part_id=0, args='{"q": ') == PartDeltaEvent(
        index=0, delta=ToolCallPartDelta(args_delta='{"q": ', tool_call_id="c1")
    )
    assert manager.handle_tool_call_delta(vendor_part_id=0, args='"x"}') == PartDeltaEvent(
        index=0, delta=ToolCallPartDelta(args_delta='"x"}', tool_call_id="c1")
    )
    [part] = manager.get_parts()
    assert part == ToolCallPart("search", '{"q": "x"}', "c1")
    assert part.args_as_dict() == {"q": "x"}


def test_tool_call_delta_generates_an_id_when_none_given() -> None:
    manager = ModelResponsePartsManager()
    event = manager.handle_tool_call_delta(vendor_part_id=0, tool_name="t")
    assert isinstance(event, PartStartEvent)
    assert isinstance(event.part, ToolCallPart)
    assert re.fullmatch(r"pyd_ai_[0-9a-f]{32}", event.part.tool_call_id)
    # the emitted delta carries the part's id when the fragment had none
    delta_event = manager.handle_tool_call_delta(vendor_part_id=0, args="{}")
    assert isinstance(delta_event, PartDeltaEvent)
    assert delta_event.delta == ToolCallPartDelta(args_delta="{}", tool_call_id=event.part.tool_call_id)


def test_tool_call_placeholder_until_named() -> None:
    manager = ModelResponsePartsManager()
    manager.handle_text_delta(vendor_part_id="text", content="hi")
    assert manager.handle_tool_call_delta(vendor_part_id="call", args='{"a"', tool_call_id="c9") is None
    assert manager.handle_tool_call_delta(vendor_part_id="call", args=": 1}") is None
    assert manager.get_parts() == [TextPart("hi")]
    # another part started meanwhile takes the index after the placeholder
    assert manager.handle_text_delta(vendor_part_id="text2", content="x") == PartStartEvent(index=2, part=TextPart("x"))
    assert manager.handle_tool_call_delta(vendor_part_id="call", tool_name="fn") == PartStartEvent(
        index=1, part=ToolCallPart("fn", '{"a": 1}', "c9")
    )
    assert manager.get_parts() == [TextPart("hi"), ToolCallPart("fn", '{"a": 1}', "c9"), TextPart("x")]
    # later fragments are deltas on the now-named part
    assert manager.handle_tool_call_delta(vendor_part_id="call", args=" ") == PartDeltaEvent(
        index=1, delta=ToolCallPartDelta(args_delta=" ", tool_call_id="c9")
    )


def test_tool_call_name_on_existing_part_is_appended() -> None:
    manager = ModelResponsePartsManager()
    manager.handle_tool_call_delta(vendor_part_id=0, tool_name="get_", tool_call_id="c")
    assert manager.handle_tool_call_delta(vendor_part_id=0, tool_name="weather") == PartDeltaEvent(
        index=0, delta=ToolCallPartDelta(tool_name_delta="weather", tool_call_id="c")
    )
    assert manager.get_parts() == [ToolCallPart("get_weather", None, "c")]


def test_tool_call_dict_args_merge_and_mixing_kinds_fails() -> None:
    manager = ModelResponsePartsManager()
    manager.handle_tool_call_delta(vendor_part_id=0, tool_name="t", args={"a": 1}, tool_call_id="c")
    manager.handle_tool_call_delta(vendor_part_id=0, args={"b": 2})
    assert manager.get_parts() == [ToolCallPart("t", {"a": 1, "b": 2}, "c")]
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply JSON deltas to non-JSON tool arguments"):
        manager.handle_tool_call_delta(vendor_part_id=0, args='{"c"')


def test_tool_call_delta_without_vendor_id() -> None:
    manager = ModelResponsePartsManager()
    first = manager.handle_tool_call_delta(vendor_part_id=None, tool_name="a", tool_call_id="1")
    assert first == PartStartEvent(index=0, part=ToolCallPart("a", None, "1"))
    # args-only updates the latest tool call
    assert manager.handle_tool_call_delta(vendor_part_id=None, args="{}") == PartDeltaEvent(
        index=0, delta=ToolCallPartDelta(args_delta="{}", tool_call_id="1")
    )
    # a name always starts a new part
    second = manager.handle_tool_call_delta(vendor_part_id=None, tool_name="a", tool_call_id="2")
    assert second == PartStartEvent(index=1, part=ToolCallPart("a", None, "2"))
    assert manager.get_parts() == [ToolCallPart("a", "{}", "1"), ToolCallPart("a", None, "2")]


def test_tool_call_part_overwrites_in_place() -> None:
    manager = ModelResponsePartsManager()
    manager.handle_tool_call_delta(vendor_part_id="v", tool_name="partial", args='{"x', tool_call_id="c")
    manager.handle_text_delta(vendor_part_id="t", content="after")
    event = manager.handle_tool_call_part(vendor_part_id="v", tool_name="whole", args={"x": 1}, tool_call_id="c2")
    assert event == PartStartEvent(index=0, part=ToolCallPart("whole", {"x": 1}, "c2"))
    assert manager.get_parts() == [ToolCallPart("whole", {"x": 1}, "c2"), TextPart("after")]
    # no vendor id: always appended
    appended = manager.handle_tool_call_part(vendor_part_id=None, tool_name="n", args=None, tool_call_id="c3")
    assert appended == PartStartEvent(index=2, part=ToolCallPart("n", None, "c3"))
    # a vendor id mapped to a non-tool-call part: appended and remapped
    replaced = manager.handle_tool_call_part(vendor_part_id="t", tool_name="m", args={}, tool_call_id="c4")
    assert replaced.index == 3
    assert manager.handle_tool_call_delta(vendor_part_id="t", args={"k": 1}) == PartDeltaEvent(
        index=3, delta=ToolCallPartDelta(args_delta={"k": 1}, tool_call_id="c4")
    )


def test_tool_call_part_generates_an_id() -> None:
    manager = ModelResponsePartsManager()
    event = manager.handle_tool_call_part(vendor_part_id=None, tool_name="t", args={})
    assert isinstance(event.part, ToolCallPart)
    assert re.fullmatch(r"pyd_ai_[0-9a-f]{32}", event.part.tool_call_id)


# -- wrong kinds ------------------------------------------------------------------------------------------


def test_wrong_kind_for_vendor_id_raises() -> None:
    manager = ModelResponsePartsManager()
    manager.handle_text_delta(vendor_part_id="text", content="a")
    manager.handle_tool_call_delta(vendor_part_id="call", tool_name="t", tool_call_id="c")
    manager.handle_thinking_delta(vendor_part_id="think", content="hm")
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply a text delta to existing_part="):
        manager.handle_text_delta(vendor_part_id="call", content="x")
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply a tool call delta to existing_part="):
        manager.handle_tool_call_delta(vendor_part_id="text", args="{}")
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply a thinking delta to existing_part="):
        manager.handle_thinking_delta(vendor_part_id="text", content="x")
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply a tool call delta to existing_part="):
        manager.handle_tool_call_delta(vendor_part_id="think", args="{}")
    assert manager.get_parts() == [TextPart("a"), ToolCallPart("t", None, "c"), ThinkingPart("hm")]


def test_get_parts_excludes_placeholders() -> None:
    manager = ModelResponsePartsManager()
    assert manager.get_parts() == []
    manager.handle_tool_call_delta(vendor_part_id=0, args="{")
    manager.handle_tool_call_delta(vendor_part_id=1, tool_name="b", tool_call_id="c")
    manager.handle_tool_call_delta(vendor_part_id=2, args="}")
    assert manager.get_parts() == [ToolCallPart("b", None, "c")]
    # the returned list is a copy
    manager.get_parts().clear()
    assert len(manager.get_parts()) == 1


def test_parts_handed_out_stay_as_they_were_while_the_part_grows() -> None:
    manager = ModelResponsePartsManager()
    start = manager.handle_text_delta(vendor_part_id=0, content="a")
    call = manager.handle_tool_call_delta(vendor_part_id=1, tool_name="t", args="{", tool_call_id="c")
    so_far = manager.get_parts()
    manager.handle_text_delta(vendor_part_id=0, content="b")
    manager.handle_tool_call_delta(vendor_part_id=1, args="}")
    assert manager.get_parts() == [TextPart("ab"), ToolCallPart("t", "{}", "c")]
    assert manager.get_part(0) is manager.get_parts()[0]  # built once, until the part grows again
    assert start == PartStartEvent(index=0, part=TextPart("a"))
    assert call == PartStartEvent(index=1, part=ToolCallPart("t", "{", "c"))
    assert so_far == [TextPart("a"), ToolCallPart("t", "{", "c")]
