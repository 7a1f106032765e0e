"""Part behaviour the reference's tests rely on: tool-call arguments as a provider receives them, tool returns
as a model sees them, typed tool parts, speech deltas, the newer events, and the history helpers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from trio_agent.messages import (
    INVALID_JSON_KEY,
    AudioUrl,
    BinaryAudio,
    BinaryContent,
    BinaryImage,
    BuiltinToolCallEvent,
    BuiltinToolCallPart,
    BuiltinToolResultEvent,
    BuiltinToolReturnPart,
    CompactionPart,
    DeferredToolRequests,
    DeferredToolRequestsEvent,
    DeferredToolResults,
    DeferredToolResultsEvent,
    DocumentUrl,
    FilePart,
    HandleResponseEvent,
    ImageUrl,
    LoadCapabilityCallPart,
    LoadCapabilityReturnPart,
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    NativeToolCallPart,
    NativeToolReturnPart,
    PartDeltaEvent,
    SpeechPart,
    SpeechPartDelta,
    TextPart,
    ToolAvailabilityDeltaEvent,
    ToolAvailabilityDeltaPart,
    ToolCallPart,
    ToolReturnPart,
    ToolSearchCallPart,
    UploadedFile,
    UserPromptPart,
    VideoUrl,
    narrow_message_parts,
    post_compaction_window,
)

T = datetime(2026, 11, 23, 21, 56, 4, tzinfo=UTC)


# -- tool-call arguments as a provider receives them -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (None, "{}"),
        ("", "{}"),
        ({}, "{}"),
        ({"city": "Zürich", "days": [1, 2], "opts": {"a": None}}, '{"city":"Zürich","days":[1,2],"opts":{"a":null}}'),
        ('{\n  "city": "Paris",\n  "n": 2\n}', '{"city":"Paris","n":2}'),  # valid object JSON: compacted
        ('{"b": 1, "a": 2}', '{"b":1,"a":2}'),  # key order kept
        ('{"city": ', '{"INVALID_JSON":"{\\"city\\": "}'),  # malformed: wrapped, never echoed as it was
        ("[1, 2]", '{"INVALID_JSON":"[1, 2]"}'),  # valid JSON, not an object: wrapped
        ('"Paris"', '{"INVALID_JSON":"\\"Paris\\""}'),
        ("null", '{"INVALID_JSON":"null"}'),
        ("42", '{"INVALID_JSON":"42"}'),
    ],
)
def test_args_as_json_str_is_always_a_compact_json_object(args: Any, expected: str) -> None:
    text = ToolCallPart("f", args).args_as_json_str()
    assert text == expected
    assert isinstance(json.loads(text), dict)


@pytest.mark.parametrize("args", ['{"a": ', "[1]", "true"])
def test_malformed_args_as_dict_are_wrapped_or_raise(args: str) -> None:
    part = BuiltinToolCallPart("f", args)
    assert part.args_as_dict() == {INVALID_JSON_KEY: args}
    with pytest.raises(ValueError, match=r"EOF|JSON object"):
        part.args_as_dict(raise_if_invalid=True)


def test_arguments_that_are_not_an_object_raise_as_the_reference_does() -> None:
    part = ToolCallPart("f", "[1, 2, 3]")
    with pytest.raises(AssertionError, match="must be a JSON object, got list"):
        part.args_as_dict(raise_if_invalid=True)
    with pytest.raises(ValueError, match="must be a JSON object"):
        part.args_as_dict(raise_if_invalid=True)


def test_a_wrapped_call_round_trips_unchanged_in_the_history() -> None:
    history: list[ModelMessage] = [ModelResponse([ToolCallPart("f", '{"a": ', "c1")], timestamp=T)]
    [loaded] = ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(history))
    assert loaded.parts == [ToolCallPart("f", '{"a": ', "c1")]  # the history keeps what the model sent


# -- tool returns as the model sees them -------------------------------------------------------------


def test_tool_return_files_are_split_from_the_data() -> None:
    image = ImageUrl("https://e.x/a.png")
    part = ToolReturnPart("f", ["caption", image, {"n": 1}], "c1")
    assert part.files == [image]
    assert part.model_response_str() == '["caption",{"n":1}]'
    assert part.content_items(mode="raw") == ["caption", image, {"n": 1}]
    assert part.content_items(mode="str") == ["caption", image, '{"n":1}']
    assert part.content_items(mode="jsonable") == ["caption", image, {"n": 1}]
    text, user_content = part.model_response_str_and_user_content()
    assert text == f'["caption","See file {image.identifier}.","{{\\"n\\":1}}"]'
    assert user_content == [f"This is file {image.identifier}:", image]


def test_a_single_file_with_one_datum_unwraps_the_datum() -> None:
    image = ImageUrl("https://e.x/a.png")
    part = ToolReturnPart("f", ["only", image], "c1")
    assert (part.model_response_str(), part.model_response_object()) == ("only", {"return_value": "only"})
    assert ToolReturnPart("f", image, "c1").model_response_str() == ""


def test_failed_returns_are_wrapped_unless_asked_not_to() -> None:
    part = ToolReturnPart("f", "boom", "c1", outcome="failed")
    assert part.model_response_str() == '{"error":"boom"}'
    assert part.model_response_str(wrap_if_error=False) == "boom"
    assert part.model_response_object() == {"error": "boom"}
    assert part.content_items(mode="str") == ['{"error":"boom"}']


def test_structured_content_parses_json_text_only_when_it_is_an_object_or_list() -> None:
    assert ToolReturnPart("f", '{"a": 1}').structured_content() == {"a": 1}
    assert ToolReturnPart("f", "[1]").structured_content() == [1]
    assert ToolReturnPart("f", "plain").structured_content() is None
    assert ToolReturnPart("f", 3).structured_content() is None


# -- names, typed parts and helpers ---------------------------------------------------------------------


def test_native_names_are_the_builtin_classes() -> None:
    assert NativeToolCallPart is BuiltinToolCallPart
    assert NativeToolReturnPart is BuiltinToolReturnPart
    assert BuiltinToolCallPart("web_search").part_kind == "builtin-tool-call"


def test_narrow_promotes_by_tool_kind_and_keeps_everything_else() -> None:
    plain = ToolCallPart("search_tools", {"queries": ["a"]}, "c1", tool_kind="tool-search")
    typed = ToolCallPart.narrow_type(plain)
    assert type(typed) is ToolSearchCallPart
    assert (typed.tool_name, typed.args, typed.tool_call_id, typed.queries) == (
        "search_tools",
        {"queries": ["a"]},
        "c1",
        ["a"],
    )
    untouched = ToolCallPart("search_tools", "{}", "c2")
    assert ToolCallPart.narrow_type(untouched) is untouched
    loaded = ToolCallPart.narrow_type(ToolCallPart("load_capability", '{"id": "x"}', "c3"), tool_kind="capability-load")
    assert isinstance(loaded, LoadCapabilityCallPart)
    assert loaded.capability_id == "x"
    assert LoadCapabilityCallPart(args='{"id": ').capability_id is None  # still streaming


def test_narrow_refuses_data_without_the_subclass_shape_and_drops_the_claim() -> None:
    call = ToolCallPart("load_capability", {"name": "oops"}, "c1")
    assert ToolCallPart.narrow_type(call, tool_kind="capability-load") is call
    claimed = ToolCallPart("load_capability", {"name": "oops"}, "c1", tool_kind="capability-load")
    assert ToolCallPart.narrow_type(claimed) == call
    returned = ToolReturnPart("load_capability", "not-a-dict", "c2", tool_kind="capability-load", timestamp=T)
    assert ToolReturnPart.narrow_type(returned) == ToolReturnPart("load_capability", "not-a-dict", "c2", timestamp=T)
    search = BuiltinToolReturnPart("tool_search", "oops", "c3")
    assert BuiltinToolReturnPart.narrow_type(search, tool_kind="tool-search") is search
    json_text = ToolReturnPart("load_capability", '{"instructions": "hi"}', "c4", tool_kind="capability-load")
    typed = ToolReturnPart.narrow_type(json_text)
    assert isinstance(typed, LoadCapabilityReturnPart)
    assert typed.content == {"instructions": "hi"}


def test_narrow_message_parts_replaces_only_messages_with_something_to_promote() -> None:
    plain = ModelResponse([TextPart("hi")], timestamp=T)
    typed = ModelResponse([ToolCallPart("search_tools", {"queries": []}, "c1", tool_kind="tool-search")], timestamp=T)
    out = narrow_message_parts([plain, typed])
    assert out[0] is plain
    assert type(out[1].parts[0]) is ToolSearchCallPart


def test_post_compaction_window_starts_at_the_latest_compaction_part() -> None:
    request = ModelRequest([UserPromptPart("q", timestamp=T)])
    before = ModelResponse([TextPart("old"), CompactionPart("summary"), TextPart("new")], timestamp=T)
    later = ModelRequest([UserPromptPart("next", timestamp=T)])
    window = post_compaction_window([request, before, later])
    assert window == [ModelResponse([CompactionPart("summary"), TextPart("new")], timestamp=T), later]
    assert post_compaction_window([request]) == [request]


def test_response_accessors_for_files_images_and_builtin_calls() -> None:
    image, sound = BinaryImage(b"\x89PNG", media_type="image/png"), BinaryContent(b"RIFF", media_type="audio/wav")
    call, done = BuiltinToolCallPart("web_search", {}, "b1"), BuiltinToolReturnPart("web_search", "r", "b1")
    response = ModelResponse([FilePart(image), FilePart(sound), call, done, BuiltinToolCallPart("x", {}, "b2")])
    assert response.files == [image, sound]
    assert response.images == [image]
    assert response.builtin_tool_calls == response.native_tool_calls == [(call, done)]


def test_speech_deltas_append_or_replace_the_transcript() -> None:
    part = SpeechPart(speaker="assistant", transcript="Hel", audio=BinaryContent(b"ab", media_type="audio/wav"))
    grown = SpeechPartDelta(transcript_delta="lo", audio_chunk=b"c").apply(part)
    assert (grown.transcript, grown.audio and grown.audio.data) == ("Hello", b"abc")
    revised = SpeechPartDelta(transcript="Hallo", transcript_delta="ignored").apply(grown)
    assert revised.transcript == "Hallo"
    not_kept = SpeechPartDelta(audio_chunk=b"zz").apply(SpeechPart(speaker="user"))
    assert (not_kept.audio, not_kept.transcript) == (None, None)
    with pytest.raises(ValueError, match="non-SpeechParts"):
        SpeechPartDelta(transcript_delta="x").apply(TextPart("t"))  # type: ignore[arg-type]
    assert PartDeltaEvent(index=0, delta=SpeechPartDelta(speaker="user")).delta.part_delta_kind == "speech"


def test_newer_events_carry_their_event_kinds() -> None:
    requests = DeferredToolRequests(approvals=[ToolCallPart("delete", {}, "c1")])
    results = DeferredToolResults(approvals={"c1": True})
    delta = ToolAvailabilityDeltaPart(tools_added=["book"])
    events = [
        DeferredToolRequestsEvent(requests),
        DeferredToolResultsEvent(results),
        ToolAvailabilityDeltaEvent(part=delta),
    ]
    assert [e.event_kind for e in events] == [
        "deferred_tool_requests",
        "deferred_tool_results",
        "tool_availability_delta",
    ]
    assert events[0].requests is requests
    assert events[1].results is results
    assert "requests=" in repr(events[0])
    import typing

    members = typing.get_args(typing.get_args(HandleResponseEvent)[0])
    assert {DeferredToolRequestsEvent, DeferredToolResultsEvent, ToolAvailabilityDeltaEvent} <= set(members)


def test_the_deprecated_builtin_tool_events_still_exist_and_warn() -> None:
    with pytest.warns(DeprecationWarning, match="BuiltinToolCallEvent"):
        call = BuiltinToolCallEvent(BuiltinToolCallPart("web_search"))  # pyright: ignore[reportDeprecated]
    with pytest.warns(DeprecationWarning, match="BuiltinToolResultEvent"):
        result = BuiltinToolResultEvent(BuiltinToolReturnPart("web_search", "r"))  # pyright: ignore[reportDeprecated]
    assert (call.event_kind, result.event_kind) == ("builtin_tool_call", "builtin_tool_result")


def test_thinking_delta_details_may_be_a_function_of_the_parts_details() -> None:
    from trio_agent.messages import ThinkingPart, ThinkingPartDelta

    part = ThinkingPart("a", provider_details={"n": 1})
    bump = ThinkingPartDelta(content_delta="b", provider_details=lambda d: {"n": (d or {})["n"] + 1})
    assert bump.apply(part) == ThinkingPart("ab", provider_details={"n": 2})
    chained = ThinkingPartDelta(content_delta="c", provider_details={"m": 0}).apply(bump)
    assert isinstance(chained, ThinkingPartDelta)
    assert chained.apply(part) == ThinkingPart("abc", provider_details={"n": 2, "m": 0})


def test_retry_prompt_from_error_is_what_the_run_sends() -> None:
    import pydantic

    from trio_agent.exceptions import ModelRetry
    from trio_agent.messages import RetryPromptPart

    retry = RetryPromptPart.from_error(ModelRetry("try 2"), tool_name="f", tool_call_id="c9")
    assert (retry.content, retry.tool_name, retry.tool_call_id) == ("try 2", "f", "c9")
    try:
        pydantic.TypeAdapter(int).validate_python("x")
    except pydantic.ValidationError as exc:
        [detail] = RetryPromptPart.from_error(exc).content
    assert detail == {
        "type": "int_parsing",
        "loc": (),
        "msg": "Input should be a valid integer, unable to parse string as an integer",
        "input": "x",
    }


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (ImageUrl("https://e.x/a.jpg"), "jpeg"),
        (DocumentUrl("https://e.x/a.docx"), "docx"),
        (AudioUrl("a.oga"), "oga"),
        (VideoUrl("https://youtu.be/x"), "mp4"),
        (BinaryContent(b"x", media_type="audio/mpeg"), "mp3"),
        (BinaryContent(b"x", media_type="text/csv"), "csv"),
        (UploadedFile("s3://b/report.pdf", "bedrock"), "pdf"),
    ],
)
def test_file_formats_as_providers_name_them(item: Any, expected: str) -> None:
    assert item.format == expected


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (ImageUrl("foobar.potato"), "Could not infer media type from image URL: foobar.potato"),
        (DocumentUrl("foobar.py"), "Unknown document media type: text/x-python"),
        (BinaryContent(b"x", media_type="application/custom"), "Unknown media type: application/custom"),
        (BinaryContent(b"x", media_type="audio/wrong"), "Unknown media type: audio/wrong"),
    ],
)
def test_a_media_type_without_a_format_is_named_in_the_error(item: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        _ = item.format


def test_binary_content_kinds_and_data_uris() -> None:
    assert BinaryContent(b"x", media_type="application/pdf").is_document
    assert not BinaryContent(b"x", media_type="image/png").is_document
    with pytest.raises(ValueError, match=r"must have a media type that starts with \"audio/\""):
        BinaryAudio(b"x", media_type="text/plain")
    with pytest.raises(ValueError, match="must be base64-encoded"):
        BinaryContent.from_data_uri("data:text/plain,Hello%20World")
    with pytest.raises(ValueError, match='must start with "data:"'):
        BinaryContent.from_data_uri("text/plain;base64,SGk=")


def test_a_response_prices_its_usage() -> None:
    from decimal import Decimal

    from trio_agent.usage import RequestUsage

    usage = RequestUsage(input_tokens=1_000_000, output_tokens=1_000_000)
    priced = ModelResponse([TextPart("x")], usage=usage, model_name="gpt-4o", provider_name="openai").cost()
    assert priced.total_price == priced.input_price + priced.output_price
    assert priced.input_price > Decimal(0)
    with pytest.raises(ValueError, match="model_name"):
        ModelResponse([TextPart("x")]).cost()
