"""Deltas: ``GrowingPart`` gives exactly what applying each delta in turn gives, errors included."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from trio_agent import UnexpectedModelBehavior
from trio_agent._messages.deltas import GrowingPart, apply_delta
from trio_agent.messages import (
    BuiltinToolCallPart,
    CompactionPart,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
)

# -- strategies: parts of every kind a stream grows, and deltas that mostly fit them --------------------------

_names = st.none() | st.sampled_from(["", "p", "q"])
_details = st.none() | st.dictionaries(st.sampled_from(["k", "l"]), st.integers(0, 3), max_size=2)
_text = st.text(alphabet="ab{}", max_size=3)
_args = st.none() | _text | st.dictionaries(st.sampled_from(["x", "y"]), st.integers(0, 3), max_size=2)

_text_deltas = st.builds(TextPartDelta, _text, provider_name=_names, provider_details=_details)
_thinking_deltas = st.builds(
    ThinkingPartDelta,
    content_delta=st.none() | _text,
    signature_delta=_names,
    provider_name=_names,
    provider_details=_details,
)
_tool_deltas = st.builds(
    ToolCallPartDelta,
    tool_name_delta=st.none() | st.sampled_from(["", "f", "g"]),
    args_delta=_args,
    tool_call_id=_names,
    provider_name=_names,
    provider_details=_details,
)
_any_delta = st.one_of(_text_deltas, _thinking_deltas, _tool_deltas)

_PARTS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "text": (st.builds(TextPart, _text, id=_names, provider_name=_names, provider_details=_details), _text_deltas),
    "thinking": (
        st.builds(ThinkingPart, _text, signature=_names, provider_name=_names, provider_details=_details),
        _thinking_deltas,
    ),
    "tool call": (st.builds(ToolCallPart, st.sampled_from(["t", "u"]), _args, st.just("c0")), _tool_deltas),
    "builtin tool call": (st.builds(BuiltinToolCallPart, st.just("search"), _args, st.just("b0")), _tool_deltas),
    # a tool call whose name has not arrived (its id is set: naming it must not draw a random one)
    "placeholder": (
        st.builds(
            ToolCallPartDelta, tool_name_delta=st.none() | st.just("n"), args_delta=_args, tool_call_id=st.just("c0")
        ),
        _tool_deltas,
    ),
    "never grows": (st.builds(CompactionPart, st.none() | _text), _any_delta),
}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Any, list[tuple[Any, bool]]]:
    """A starting part and steps: a delta (usually of the part's kind) and whether to read the part after it."""
    part_strategy, own_deltas = _PARTS[draw(st.sampled_from(sorted(_PARTS)))]
    step = st.tuples(st.one_of(own_deltas, own_deltas, own_deltas, _any_delta), st.booleans())
    return draw(part_strategy), draw(st.lists(step, max_size=12))


@given(scenarios())
@example((ThinkingPart("a", provider_name="p"), [(ThinkingPartDelta(provider_name=""), False)]))
@example((TextPart("a", provider_name="p"), [(TextPartDelta("b", provider_name=""), True)]))
@example((ToolCallPartDelta(args_delta="{", tool_call_id="c0"), [(ToolCallPartDelta(tool_name_delta="f"), False)]))
def test_growing_a_part_is_applying_each_delta_in_turn(scenario: tuple[Any, list[tuple[Any, bool]]]) -> None:
    part, steps = scenario
    growing = GrowingPart(part)
    expected = part
    handed_out: list[tuple[Any, Any]] = [(part, copy.deepcopy(part))]
    for delta, read in steps:
        try:
            expected, error = apply_delta(expected, delta), None
        except (ValueError, UnexpectedModelBehavior) as exc:
            error = exc
        if error is None:
            growing.grow(delta)
        else:  # the same error, and the part stays as it was
            with pytest.raises(type(error), match=f"^{re.escape(str(error))}$"):
                growing.grow(delta)
        assert growing.kind is type(expected)
        if read:
            got = growing.part
            assert got == expected
            handed_out.append((got, copy.deepcopy(got)))
    assert growing.part == expected
    for given_part, as_it_was in handed_out:
        assert given_part == as_it_was  # a part once handed out never changes


def test_part_is_built_when_read_and_kept_until_the_next_delta() -> None:
    growing = GrowingPart(TextPart("a", id="m"))
    start = growing.part
    for piece in ("b", "c"):
        growing.grow(TextPartDelta(piece))
    assert growing.current("id") == "m"
    first = growing.part
    assert first == TextPart("abc", id="m")
    assert growing.part is first  # no new part without a new delta
    growing.grow(TextPartDelta("d", provider_name="p", provider_details={"k": 1}))
    assert growing.current("provider_name") == "p"
    assert growing.part == TextPart("abcd", id="m", provider_name="p", provider_details={"k": 1})
    assert (start, first) == (TextPart("a", id="m"), TextPart("abc", id="m"))


def test_a_placeholder_becomes_a_tool_call_when_its_name_arrives() -> None:
    growing: GrowingPart[Any] = GrowingPart(ToolCallPartDelta(args_delta='{"a"', tool_call_id="c"))
    growing.grow(ToolCallPartDelta(args_delta=": 1"))
    assert growing.kind is ToolCallPartDelta
    growing.grow(ToolCallPartDelta(tool_name_delta="fn", args_delta="}"))
    assert growing.kind is ToolCallPart
    assert growing.part == ToolCallPart("fn", '{"a": 1}', "c")
    growing.grow(ToolCallPartDelta(args_delta=" "))
    assert growing.part == ToolCallPart("fn", '{"a": 1} ', "c")


def test_tool_call_arguments_of_the_other_kind_fail_and_change_nothing() -> None:
    growing = GrowingPart(ToolCallPart("t", None, "c"))
    growing.grow(ToolCallPartDelta(args_delta="{"))
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply dict deltas to non-dict tool arguments"):
        growing.grow(ToolCallPartDelta(args_delta={"a": 1}, tool_call_id="other"))
    assert growing.part == ToolCallPart("t", "{", "c")
    dict_args = GrowingPart(ToolCallPart("t", None, "c"))
    dict_args.grow(ToolCallPartDelta(args_delta={"a": 1}))
    with pytest.raises(UnexpectedModelBehavior, match="Cannot apply JSON deltas to non-JSON tool arguments"):
        dict_args.grow(ToolCallPartDelta(args_delta=""))
    assert dict_args.part == ToolCallPart("t", {"a": 1}, "c")
