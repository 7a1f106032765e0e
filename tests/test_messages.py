"""Messages, parts, deltas and events: the reference JSON format, compact reprs and the helper methods."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from trio_agent.exceptions import UnexpectedModelBehavior
from trio_agent.messages import (
    AgentStreamEvent,
    AudioUrl,
    BinaryContent,
    BinaryImage,
    BuiltinToolCallPart,
    BuiltinToolReturnPart,
    CachePoint,
    CompactionPart,
    DocumentUrl,
    EnqueuedMessagesEvent,
    FilePart,
    FinalResultEvent,
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    ImageUrl,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    OutputToolCallEvent,
    OutputToolResultEvent,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    RetryFeedbackPart,
    RetryPromptPart,
    SystemPromptPart,
    TextContent,
    TextPart,
    TextPartDelta,
    ThinkingPart,
    ThinkingPartDelta,
    ToolCallPart,
    ToolCallPartDelta,
    ToolReturnPart,
    UploadedFile,
    UserPromptPart,
    VideoUrl,
)
from trio_agent.usage import RequestUsage

RUN_ID = "01a20a69-1462-7760-bf9b-bff7d4898316"
CONVERSATION_ID = "01a20a69-1462-7760-bf9b-bff886d312d1"
T = datetime(2026, 11, 23, 21, 56, 28, 394148, tzinfo=UTC)

# Recorded with the reference library (anchor-behaviour.md §5): an output-tool run, `all_messages_json()`.
ANCHOR_HISTORY_JSON = """
[
 {
  "parts": [
    {"content": "Weather in Paris?", "timestamp": "2026-11-23T21:56:28.394148Z", "part_kind": "user-prompt"}
  ],
  "timestamp": "2026-11-23T21:56:28.394424Z", "instructions": "Be brief.", "kind": "request",
  "run_id": "01a20a69-1462-7760-bf9b-bff7d4898316", "conversation_id": "01a20a69-1462-7760-bf9b-bff886d312d1",
  "metadata": null, "state": "complete"
 },
 {
  "parts": [
    {"tool_name": "final_result", "args": {"city": "Paris", "temp_c": 21}, "tool_call_id": "call_out_1", "tool_kind": null, "id": null, "provider_name": null, "provider_details": null, "part_kind": "tool-call"}
  ],
  "usage": {"input_tokens": 53, "cache_write_tokens": 0, "cache_read_tokens": 0, "output_tokens": 6, "input_audio_tokens": 0, "cache_audio_read_tokens": 0, "output_audio_tokens": 0, "details": {}, "cost": null},
  "model_name": "function:model3:", "timestamp": "2026-11-23T21:56:28.395664Z", "kind": "response",
  "provider_name": null, "provider_url": null, "provider_details": null, "provider_response_id": null, "finish_reason": null,
  "run_id": "01a20a69-1462-7760-bf9b-bff7d4898316", "conversation_id": "01a20a69-1462-7760-bf9b-bff886d312d1",
  "metadata": null, "state": "complete"
 },
 {
  "parts": [
    {"tool_name": "final_result", "content": "Final result processed.", "tool_call_id": "call_out_1", "tool_kind": null, "metadata": null, "timestamp": "2026-11-23T21:56:28.396817Z", "outcome": "success", "part_kind": "tool-return"}
  ],
  "timestamp": "2026-11-23T21:56:28.396854Z", "instructions": null, "kind": "request",
  "run_id": "01a20a69-1462-7760-bf9b-bff7d4898316", "conversation_id": "01a20a69-1462-7760-bf9b-bff886d312d1",
  "metadata": null, "state": "complete"
 }
]
"""

# As pydantic-ai 2.68 writes a tool retry and an output retry (anchor "Changes in the newest release").
HISTORY_2_68_JSON = """
[
 {"parts": [{"content": "Weather in Paris?", "timestamp": "2026-11-23T21:56:28.394148Z", "part_kind": "user-prompt"}],
  "timestamp": "2026-11-23T21:56:28.394424Z", "instructions": null, "kind": "request", "metadata": null, "state": "complete"},
 {"parts": [{"tool_name": "get_weather", "args": "{\\"town\\": \\"Paris\\"}", "tool_call_id": "call_1", "part_kind": "tool-call"}],
  "usage": {"input_tokens": 50, "output_tokens": 5}, "timestamp": "2026-11-23T21:56:28.395664Z", "kind": "response"},
 {"parts": [{"tool_name": "get_weather", "content": "Unknown argument `town`", "tool_call_id": "call_1", "tool_kind": null,
             "metadata": null, "timestamp": "2026-11-23T21:56:28.396817Z", "outcome": "retried", "retry": null, "part_kind": "tool-return"}],
  "timestamp": "2026-11-23T21:56:28.396854Z", "kind": "request"},
 {"parts": [{"tool_name": "get_weather", "args": {"city": "Paris"}, "tool_call_id": "call_2", "part_kind": "tool-call"}],
  "timestamp": "2026-11-23T21:56:28.397000Z", "kind": "response"},
 {"parts": [{"tool_name": "get_weather", "content": "sunny", "tool_call_id": "call_2", "tool_kind": null, "metadata": null,
             "timestamp": "2026-11-23T21:56:28.398000Z", "outcome": "success", "retry": null, "part_kind": "tool-return"}],
  "kind": "request"},
 {"parts": [], "timestamp": "2026-11-23T21:56:28.399000Z", "kind": "response"},
 {"parts": [{"content": "Please answer.", "cause": "no_output", "timestamp": "2026-11-23T21:56:28.400000Z", "part_kind": "retry-feedback"}],
  "kind": "request"}
]
"""


def at(second: int, micro: int) -> datetime:
    return datetime(2026, 11, 23, 21, 56, second, micro, tzinfo=UTC)


def roundtrip(messages: list[Any]) -> list[Any]:
    return ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(messages))


# -- the reference JSON format -------------------------------------------------------------------------


def test_anchor_history_loads_into_the_expected_objects() -> None:
    request, response, tool_return = ModelMessagesTypeAdapter.validate_json(ANCHOR_HISTORY_JSON)
    ids = {"run_id": RUN_ID, "conversation_id": CONVERSATION_ID}
    assert request == ModelRequest(
        [UserPromptPart("Weather in Paris?", timestamp=T)], timestamp=at(28, 394424), instructions="Be brief.", **ids
    )
    assert response == ModelResponse(
        [ToolCallPart("final_result", {"city": "Paris", "temp_c": 21}, "call_out_1")],
        usage=RequestUsage(input_tokens=53, output_tokens=6),
        model_name="function:model3:",
        timestamp=at(28, 395664),
        **ids,
    )
    assert tool_return == ModelRequest(
        [ToolReturnPart("final_result", "Final result processed.", "call_out_1", timestamp=at(28, 396817))],
        timestamp=at(28, 396854),
        **ids,
    )
    assert response.timestamp.utcoffset() == timedelta(0)  # loaded as an aware UTC time
    assert response.usage.cost is None


def test_anchor_history_dumps_back_to_the_same_json_with_the_same_key_order() -> None:
    messages = ModelMessagesTypeAdapter.validate_json(ANCHOR_HISTORY_JSON)
    dumped = json.loads(ModelMessagesTypeAdapter.dump_json(messages))
    expected = json.loads(ANCHOR_HISTORY_JSON)
    assert dumped == expected
    assert json.dumps(dumped) == json.dumps(expected)  # key order too


@pytest.mark.parametrize("args", [{"city": "Paris"}, '{"city":"Paris"}'])
def test_function_tool_history_round_trips(args: dict[str, Any] | str) -> None:
    ids = {"run_id": RUN_ID, "conversation_id": CONVERSATION_ID}
    history = [
        ModelRequest([UserPromptPart("Weather in Paris?", timestamp=T)], timestamp=T, instructions="Be brief.", **ids),
        ModelResponse(
            [ToolCallPart("get_weather", args, "call_1")], usage=RequestUsage(input_tokens=53, output_tokens=5), **ids
        ),
        ModelRequest([ToolReturnPart("get_weather", "sunny in Paris", "call_1")], timestamp=T, **ids),
        ModelResponse(
            [TextPart("It is sunny in Paris.")], usage=RequestUsage(input_tokens=56, output_tokens=11), **ids
        ),
    ]
    dumped = json.loads(ModelMessagesTypeAdapter.dump_json(history))
    assert dumped[1]["parts"][0]["args"] == args
    assert [m["kind"] for m in dumped] == ["request", "response", "request", "response"]
    assert roundtrip(history) == history


MULTIMODAL_CONTENT_JSON = (
    '["look", {"url": "https://e.x/a.png", "force_download": false, "vendor_metadata": null, "kind": "image-url",'
    ' "media_type": "image/png", "identifier": "724315"}, {"data": "iVBORw==", "media_type": "image/png",'
    ' "vendor_metadata": null, "kind": "binary", "identifier": "4effda"}]'
)


def test_multimodal_user_prompt_dumps_as_the_reference_and_reloads_narrowed() -> None:
    part = UserPromptPart(
        ["look", ImageUrl("https://e.x/a.png"), BinaryContent(b"\x89PNG", media_type="image/png")], timestamp=T
    )
    [message] = ModelMessagesTypeAdapter.dump_python([ModelRequest([part])], mode="json")
    [dumped_part] = message["parts"]
    assert list(dumped_part) == ["content", "timestamp", "part_kind"]
    assert json.dumps(dumped_part["content"]) == MULTIMODAL_CONTENT_JSON  # values and key order

    [reloaded] = ModelMessagesTypeAdapter.validate_json(json.dumps([message]))
    content = reloaded.parts[0].content
    assert type(content[1]) is ImageUrl
    assert type(content[2]) is BinaryImage
    expected = UserPromptPart(
        ["look", ImageUrl("https://e.x/a.png"), BinaryImage(b"\x89PNG", media_type="image/png")], timestamp=T
    )
    assert reloaded.parts == [expected]
    assert (content[1].media_type, content[1].identifier) == ("image/png", "724315")
    assert (content[2].data, content[2].identifier) == (b"\x89PNG", "4effda")


def test_history_written_by_2_68_loads() -> None:
    messages = ModelMessagesTypeAdapter.validate_json(HISTORY_2_68_JSON)
    assert [m.kind for m in messages] == ["request", "response"] * 3 + ["request"]
    retried = messages[2].parts[0]
    assert retried == ToolReturnPart(
        "get_weather", "Unknown argument `town`", "call_1", timestamp=at(28, 396817), outcome="retried"
    )
    assert messages[4].parts[0].outcome == "success"
    assert messages[5].parts == []
    assert messages[6].parts == [RetryFeedbackPart("Please answer.", cause="no_output", timestamp=at(28, 400000))]
    assert messages[1].usage == RequestUsage(input_tokens=50, output_tokens=5)
    assert messages[1].tool_calls[0].args_as_dict() == {"town": "Paris"}


def test_legacy_keys_load_into_the_new_fields() -> None:
    legacy = [
        {
            "parts": [{"content": "hi", "part_kind": "text"}],
            "usage": {"request_tokens": 7, "response_tokens": 3, "details": None},
            "vendor_details": {"region": "eu"},
            "vendor_id": "resp_1",
            "timestamp": "2026-11-23T21:56:28.394148Z",
            "kind": "response",
        }
    ]
    [response] = ModelMessagesTypeAdapter.validate_json(json.dumps(legacy))
    assert response.usage == RequestUsage(input_tokens=7, output_tokens=3)
    assert response.usage.details == {}
    assert response.provider_details == {"region": "eu"}
    assert response.provider_response_id == "resp_1"
    [dumped] = ModelMessagesTypeAdapter.dump_python([response], mode="json")
    assert not {"vendor_details", "vendor_id"} & dumped.keys()
    assert not {"request_tokens", "response_tokens"} & dumped["usage"].keys()


@pytest.mark.parametrize(
    ("history", "loc"),
    [
        ([{"kind": "request"}], (0, "request", "parts")),
        (
            [{"kind": "request", "parts": [{"part_kind": "user-prompt"}]}],
            (0, "request", "parts", 0, "user-prompt", "content"),
        ),
        ([{"kind": "response", "parts": [{"part_kind": "nope"}]}], (0, "response", "parts", 0)),
        ([{"kind": "bogus", "parts": []}], (0,)),
        (
            [{"kind": "request", "parts": []}, {"kind": "response", "parts": [], "usage": {"input_tokens": "many"}}],
            (1, "response", "usage", "input_tokens"),
        ),
        ({"kind": "request", "parts": []}, ()),
    ],
)
def test_invalid_history_names_the_failing_path(history: Any, loc: tuple[Any, ...]) -> None:
    with pytest.raises(pydantic.ValidationError) as exc_info:
        ModelMessagesTypeAdapter.validate_json(json.dumps(history))
    assert exc_info.value.errors()[0]["loc"] == loc


def test_histories_built_from_objects_round_trip() -> None:
    history = [
        ModelRequest(
            [
                SystemPromptPart("Be brief.", dynamic_ref="tests.prompt"),
                UserPromptPart(
                    [
                        TextContent("note", metadata={"source": "app"}),
                        AudioUrl("https://e.x/a.mp3", force_download=True),
                        DocumentUrl("https://e.x/doc", media_type="application/pdf"),
                        VideoUrl("https://youtu.be/abc", vendor_metadata={"fps": 1}),
                        UploadedFile("file-1", "openai"),
                        BinaryContent(b"\x00\x01", media_type="audio/wav"),
                        CachePoint(ttl="1h"),
                    ]
                ),
                ToolReturnPart("f", {"nested": [1, 2], "ok": True}, "c1", metadata={"t": 1}, outcome="failed"),
                ToolReturnPart("shot", ["caption", {"img": BinaryImage(b"\xff", media_type="image/gif")}], "c3"),
                ToolReturnPart("link", ImageUrl("https://e.x/a.png"), "c4"),
                ToolReturnPart("raw", [{"kind": "image-url", "note": "no url"}, {"kind": "binary", "url": 1}], "c5"),
                RetryPromptPart(
                    [{"type": "missing", "loc": ("a",), "msg": "Field required", "input": {}}], tool_name="f"
                ),
                RetryPromptPart("Please answer."),
            ],
            timestamp=T,
            metadata={"k": "v"},
            state="interrupted",
        ),
        ModelResponse(
            [
                ThinkingPart("hmm", signature="sig", provider_name="anthropic"),
                TextPart("hi", id="t1", provider_details={"logprobs": [0.5]}),
                ToolCallPart("f", '{"a": 1}', "c2", id="x"),
                BuiltinToolCallPart("web_search", {"q": "trio"}, "b1", provider_name="openai"),
                BuiltinToolReturnPart("web_search", [{"url": "https://e.x"}], "b1", provider_name="openai"),
                CompactionPart("summary"),
                FilePart(BinaryImage(b"\x89PNG", media_type="image/png")),
            ],
            usage=RequestUsage(input_tokens=3, cache_read_tokens=1, details={"reasoning": 2}, cost=Decimal("0.0125")),
            model_name="m",
            provider_name="p",
            provider_url="https://api.e.x",
            provider_response_id="r1",
            finish_reason="tool_call",
            state="suspended",
        ),
    ]
    reloaded = roundtrip(history)
    assert reloaded == history
    assert reloaded[1].usage.cost == Decimal("0.0125")
    assert type(reloaded[0].parts[1].content[5]) is BinaryContent  # audio is not narrowed
    assert type(reloaded[0].parts[3].content[1]["img"]) is BinaryImage  # files in tool returns are restored
    assert type(reloaded[0].parts[4].content) is ImageUrl


# -- compact reprs -------------------------------------------------------------------------------------

TS = "datetime.datetime(2026, 11, 23, 21, 56, 28, 394148, tzinfo=datetime.timezone.utc)"


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (
            ToolCallPart("get_weather", {"city": "Paris"}, "call_1"),
            "ToolCallPart(tool_name='get_weather', args={'city': 'Paris'}, tool_call_id='call_1')",
        ),
        (TextPart("hi", id=None, provider_name=None), "TextPart(content='hi')"),
        (TextPart("hi", id="t1"), "TextPart(content='hi', id='t1')"),
        (UserPromptPart("hi", timestamp=T), f"UserPromptPart(content='hi', timestamp={TS})"),
        (
            ToolReturnPart("f", "x", "c1", timestamp=T),
            f"ToolReturnPart(tool_name='f', content='x', tool_call_id='c1', timestamp={TS})",
        ),
        (
            ToolReturnPart("f", "x", "c1", timestamp=T, outcome="failed"),
            f"ToolReturnPart(tool_name='f', content='x', tool_call_id='c1', timestamp={TS}, outcome='failed')",
        ),
        (
            RetryPromptPart("again", tool_call_id="c1", timestamp=T),
            f"RetryPromptPart(content='again', tool_call_id='c1', timestamp={TS})",
        ),
        (ModelRequest([], state="complete"), "ModelRequest(parts=[])"),
        (
            ModelResponse([TextPart("hi")], timestamp=T),
            f"ModelResponse(parts=[TextPart(content='hi')], usage=RequestUsage(), timestamp={TS})",
        ),
        (
            ModelResponse([], usage=RequestUsage(input_tokens=5), timestamp=T, model_name="m"),
            f"ModelResponse(parts=[], usage=RequestUsage(input_tokens=5), model_name='m', timestamp={TS})",
        ),
        (ImageUrl("https://e.x/a.png"), "ImageUrl(url='https://e.x/a.png')"),
        (CachePoint(), "CachePoint(kind='cache-point', ttl='5m')"),
        (TextPartDelta("x"), "TextPartDelta(content_delta='x')"),
        (FinalResultEvent(tool_name=None, tool_call_id=None), "FinalResultEvent(tool_name=None, tool_call_id=None)"),
    ],
)
def test_repr_omits_plain_defaults_but_shows_factory_fields(obj: object, expected: str) -> None:
    assert repr(obj) == expected


def test_reloaded_file_url_repr_shows_the_stored_private_fields() -> None:
    [request] = roundtrip([ModelRequest([UserPromptPart([ImageUrl("https://e.x/a.png")], timestamp=T)])])
    [image] = request.parts[0].content
    assert repr(image) == "ImageUrl(url='https://e.x/a.png', _media_type='image/png', _identifier='724315')"


# -- retry prompts and tool returns as the model sees them ---------------------------------------------

SUFFIX = "\n\nFix the errors and try again."
INT_ERROR = {
    "type": "int_parsing",
    "loc": ("a",),
    "msg": "Input should be a valid integer, unable to parse string as an integer",
    "input": "x",
}
GT_ERROR = {
    "type": "greater_than",
    "loc": ("b", 0),
    "msg": "Input should be greater than 0",
    "input": -1,
    "ctx": {"gt": 0},
}


def _errors_text(errors: list[dict[str, Any]]) -> str:
    return json.dumps(errors, indent=2)


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        (RetryPromptPart("Tool failed: boom", tool_name="f"), "Tool failed: boom" + SUFFIX),
        (RetryPromptPart("Please answer."), "Validation feedback:\nPlease answer." + SUFFIX),
        (
            RetryPromptPart([INT_ERROR], tool_name="f"),
            "1 validation error:\n```json\n"
            '[\n  {\n    "type": "int_parsing",\n    "loc": [\n      "a"\n    ],\n'
            '    "msg": "Input should be a valid integer, unable to parse string as an integer",\n'
            '    "input": "x"\n  }\n]\n```' + SUFFIX,
        ),
        (
            RetryPromptPart([INT_ERROR, GT_ERROR], tool_name="f"),
            "2 validation errors:\n```json\n"
            + _errors_text([INT_ERROR, {k: v for k, v in GT_ERROR.items() if k != "ctx"}])
            + "\n```"
            + SUFFIX,
        ),
        (
            RetryPromptPart([INT_ERROR, GT_ERROR]),
            "2 validation errors:\n```json\n"
            + _errors_text(
                [
                    {k: v for k, v in INT_ERROR.items() if k != "input"},  # short loc: input dropped too
                    {k: v for k, v in GT_ERROR.items() if k != "ctx"},
                ]
            )
            + "\n```"
            + SUFFIX,
        ),
        (RetryPromptPart([], tool_name="f"), "0 validation errors:\n```json\n[]\n```" + SUFFIX),
    ],
)
def test_retry_prompt_model_response(part: RetryPromptPart, expected: str) -> None:
    assert part.model_response() == expected


@pytest.mark.parametrize(
    ("content", "outcome", "as_str", "as_object"),
    [
        ("sunny", "success", "sunny", {"return_value": "sunny"}),
        (None, "success", "", {}),
        ({"a": 1}, "success", '{"a":1}', {"a": 1}),
        ([1, 2], "success", "[1,2]", {"return_value": [1, 2]}),
        (3, "success", "3", {"return_value": 3}),
        ("boom", "failed", '{"error":"boom"}', {"error": "boom"}),
        ({"a": 1}, "failed", '{"error":"{\\"a\\":1}"}', {"error": '{"a":1}'}),
    ],
)
def test_tool_return_as_the_model_sees_it(content: Any, outcome: Any, as_str: str, as_object: dict[str, Any]) -> None:
    part = ToolReturnPart("f", content, "c1", outcome=outcome)
    assert part.model_response_str() == as_str
    assert part.model_response_object() == as_object


# -- tool-call arguments and response accessors -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "as_dict", "as_json"),
    [
        (None, {}, "{}"),
        ("", {}, "{}"),
        ({}, {}, "{}"),
        ({"city": "Paris", "n": [1]}, {"city": "Paris", "n": [1]}, '{"city":"Paris","n":[1]}'),
        # (as the reference: valid object JSON compacted, anything else wrapped, never echoed as it was)
        ('{"city": "Paris"}', {"city": "Paris"}, '{"city":"Paris"}'),
        ('{"city": ', {"INVALID_JSON": '{"city": '}, '{"INVALID_JSON":"{\\"city\\": "}'),
        ("[1, 2]", {"INVALID_JSON": "[1, 2]"}, '{"INVALID_JSON":"[1, 2]"}'),
    ],
)
def test_tool_call_args(args: Any, as_dict: dict[str, Any], as_json: str) -> None:
    part = ToolCallPart("f", args)
    assert part.args_as_dict() == as_dict
    assert part.args_as_json_str() == as_json
    assert part.tool_call_id.startswith("pyd_ai_")
    assert len(part.tool_call_id) == len("pyd_ai_") + 32


def test_tool_call_args_as_dict_returns_the_same_dict_and_can_raise() -> None:
    args = {"a": 1}
    assert ToolCallPart("f", args).args_as_dict() is args
    with pytest.raises(ValueError, match="EOF while parsing"):
        ToolCallPart("f", '{"a": ').args_as_dict(raise_if_invalid=True)


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ([], None),
        ([ToolCallPart("f")], None),
        ([TextPart("a"), TextPart("b")], "ab"),
        ([TextPart("a"), ToolCallPart("f"), TextPart("b"), TextPart("c")], "a\n\nbc"),
        ([ThinkingPart("t"), TextPart("a"), ThinkingPart("u"), TextPart("b")], "a\n\nb"),
    ],
)
def test_model_response_text(parts: list[Any], text: str | None) -> None:
    assert ModelResponse(parts).text == text


def test_model_response_thinking_and_tool_calls() -> None:
    calls = [ToolCallPart("f", None, "c1"), ToolCallPart("g", None, "c2")]
    response = ModelResponse([ThinkingPart("one"), calls[0], BuiltinToolCallPart("web"), ThinkingPart("two"), calls[1]])
    assert response.thinking == "one\n\ntwo"
    assert response.tool_calls == calls
    assert ModelResponse([TextPart("x")]).thinking is None
    assert ModelResponse([TextPart("x")]).tool_calls == []


# -- deltas --------------------------------------------------------------------------------------------


def test_text_delta_returns_a_new_part() -> None:
    part = TextPart("hel", provider_details={"a": 1})
    updated = TextPartDelta("lo", provider_name="p", provider_details={"b": 2}).apply(part)
    assert updated == TextPart("hello", provider_name="p", provider_details={"a": 1, "b": 2})
    assert part == TextPart("hel", provider_details={"a": 1})
    with pytest.raises(ValueError, match="Cannot apply TextPartDeltas to non-TextParts"):
        TextPartDelta("x").apply(ThinkingPart("t"))  # type: ignore[arg-type]


def test_thinking_delta_appends_content_and_replaces_signature() -> None:
    part = ThinkingPart("I think", signature="s1")
    assert ThinkingPartDelta(content_delta=", so").apply(part) == ThinkingPart("I think, so", signature="s1")
    assert ThinkingPartDelta(signature_delta="s2").apply(part) == ThinkingPart("I think", signature="s2")
    accumulated = ThinkingPartDelta(content_delta="b", signature_delta="s").apply(ThinkingPartDelta(content_delta="a"))
    assert accumulated == ThinkingPartDelta(content_delta="ab", signature_delta="s")
    with pytest.raises(ValueError, match="no content or signature"):
        ThinkingPartDelta(provider_name="p").apply(ThinkingPartDelta(content_delta="a"))
    with pytest.raises(ValueError, match="Cannot apply ThinkingPartDeltas to TextPart"):
        ThinkingPartDelta(content_delta="x").apply(TextPart("t"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        (None, '{"a": ', '{"a": '),
        ('{"a": ', "1}", '{"a": 1}'),
        (None, {"a": 1}, {"a": 1}),
        ({"a": 1, "b": 2}, {"b": 3, "c": 4}, {"a": 1, "b": 3, "c": 4}),
        ({"a": 1}, None, {"a": 1}),
    ],
)
def test_tool_call_delta_args(start: Any, delta: Any, expected: Any) -> None:
    part = ToolCallPart("get", start, "c1")
    assert ToolCallPartDelta(args_delta=delta).apply(part) == ToolCallPart("get", expected, "c1")


@pytest.mark.parametrize(("start", "delta"), [({"a": 1}, '"b"'), ('{"a": 1', {"b": 2})])
def test_tool_call_delta_cannot_mix_string_and_dict_args(start: Any, delta: Any) -> None:
    with pytest.raises(
        UnexpectedModelBehavior, match=r"^Cannot apply (JSON|dict) deltas to non-(JSON|dict) tool arguments"
    ):
        ToolCallPartDelta(args_delta=delta).apply(ToolCallPart("f", start))
    with pytest.raises(
        UnexpectedModelBehavior, match=r"^Cannot apply (JSON|dict) deltas to non-(JSON|dict) tool arguments"
    ):
        ToolCallPartDelta(args_delta=delta).apply(ToolCallPartDelta(args_delta=start))


def test_tool_call_delta_extends_the_name_and_replaces_the_id() -> None:
    part = ToolCallPart("get_", None, "c1")
    updated = ToolCallPartDelta(tool_name_delta="weather", tool_call_id="c2").apply(part)
    assert updated == ToolCallPart("get_weather", None, "c2")
    with pytest.raises(ValueError, match="Can only apply ToolCallPartDeltas"):
        ToolCallPartDelta(args_delta="x").apply(TextPart("t"))  # type: ignore[arg-type]


def test_delta_on_delta_becomes_a_part_once_the_name_is_known() -> None:
    pending = ToolCallPartDelta(args_delta='{"city": ').apply(ToolCallPartDelta(tool_call_id="c1"))
    assert pending == ToolCallPartDelta(args_delta='{"city": ', tool_call_id="c1")
    done = ToolCallPartDelta(tool_name_delta="get_weather", args_delta='"Paris"}').apply(pending)
    assert done == ToolCallPart("get_weather", '{"city": "Paris"}', "c1")
    fresh = ToolCallPartDelta(tool_name_delta="f").apply(ToolCallPartDelta(args_delta={"a": 1}))
    assert isinstance(fresh, ToolCallPart)
    assert (fresh.tool_name, fresh.args) == ("f", {"a": 1})
    assert fresh.tool_call_id.startswith("pyd_ai_")
    assert ToolCallPartDelta().as_part() is None


# -- file URL media types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "media_type"),
    [
        (ImageUrl("https://e.x/a.png"), "image/png"),
        (ImageUrl("https://e.x/a.webp"), "image/webp"),
        (AudioUrl("https://e.x/a.mp3"), "audio/mpeg"),
        (AudioUrl("https://e.x/a.flac"), "audio/flac"),
        (VideoUrl("https://e.x/a.mkv"), "video/x-matroska"),
        (VideoUrl("https://e.x/a.flv"), "video/x-flv"),
        (VideoUrl("https://e.x/a.wmv"), "video/x-ms-wmv"),
        (VideoUrl("https://e.x/a.three_gp"), "video/3gpp"),
        (VideoUrl("https://www.youtube.com/watch?v=abc"), "video/mp4"),
        (DocumentUrl("https://e.x/a.pdf"), "application/pdf"),
        (DocumentUrl("https://e.x/a.md"), "text/markdown"),
        (DocumentUrl("https://e.x/a.rtf"), "application/rtf"),
        (DocumentUrl("https://e.x/a.asciidoc"), "text/x-asciidoc"),
        (DocumentUrl("https://e.x/a.yaml"), "application/yaml"),
        (ImageUrl("https://e.x/a", media_type="image/jpeg"), "image/jpeg"),
        (DocumentUrl("https://e.x/a.pdf", media_type="text/plain"), "text/plain"),
        (UploadedFile("file-abc", "openai"), "application/octet-stream"),
    ],
)
def test_file_media_type(item: Any, media_type: str) -> None:
    assert item.media_type == media_type


@pytest.mark.parametrize(
    ("cls", "label"), [(ImageUrl, "image"), (AudioUrl, "audio"), (VideoUrl, "video"), (DocumentUrl, "document")]
)
def test_file_media_type_cannot_be_inferred(cls: type[Any], label: str) -> None:
    item = cls("https://e.x/a.unknownext")
    assert item.media_type is None  # unknown, not an error: every history that loads must dump again
    dumped = ModelMessagesTypeAdapter.dump_json([ModelRequest([UserPromptPart([item])])])
    assert b'"media_type":null' in dumped
    assert ModelMessagesTypeAdapter.validate_json(dumped)[0].parts[0].content == [item]
    assert label in item.kind


def test_explicit_media_type_does_not_count_in_equality() -> None:
    assert ImageUrl("https://e.x/a.png", media_type="image/png") == ImageUrl("https://e.x/a.png")
    assert ImageUrl("https://e.x/a.png", identifier="x").identifier == "x"


@pytest.mark.parametrize(
    "item",
    [
        ImageUrl("https://e.x/a", media_type="image/jpeg", identifier="i1", force_download=True),
        VideoUrl("https://e.x/v.mp4", vendor_metadata={"fps": 2}),
        BinaryContent(b"RIFF", media_type="audio/wav", identifier="b1"),
        BinaryImage(b"\x89PNG", media_type="image/png"),
        UploadedFile("file-1", "openai", media_type="application/pdf", identifier="u1"),
    ],
)
def test_file_items_copy_with_dataclasses_replace(item: Any) -> None:
    copy = dataclasses.replace(item, vendor_metadata={"detail": "low"})
    assert type(copy) is type(item)
    assert copy.vendor_metadata == {"detail": "low"}
    assert (copy.kind, copy.media_type, copy.identifier) == (item.kind, item.media_type, item.identifier)
    assert dataclasses.replace(copy, vendor_metadata=item.vendor_metadata) == item


# -- events --------------------------------------------------------------------------------------------


CALL = {"tool_name": "f", "args": {"a": 1}, "tool_call_id": "c1", "part_kind": "tool-call"}
RETURN = {"tool_name": "f", "content": "ok", "tool_call_id": "c1", "part_kind": "tool-return"}
RETRY = {"content": "bad", "tool_name": "f", "part_kind": "retry-prompt"}
TEXT = {"content": "he", "part_kind": "text"}
TEXT_DELTA = {"content_delta": "llo", "part_delta_kind": "text"}
REQUEST = {"kind": "request", "parts": []}


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {**fields, "event_kind": kind}


@pytest.mark.parametrize(
    ("raw", "cls"),
    [
        (event("part_start", index=0, part=TEXT), PartStartEvent),
        (event("part_delta", index=0, delta=TEXT_DELTA), PartDeltaEvent),
        (event("part_end", index=0, part=TEXT), PartEndEvent),
        (event("final_result", tool_name=None, tool_call_id=None), FinalResultEvent),
        (event("function_tool_call", part=CALL), FunctionToolCallEvent),
        (event("function_tool_result", part=RETURN), FunctionToolResultEvent),
        (event("output_tool_call", part=CALL), OutputToolCallEvent),
        (event("output_tool_result", part=RETURN), OutputToolResultEvent),
        (event("enqueued_messages", enqueue_id="q1", messages=[REQUEST]), EnqueuedMessagesEvent),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_events_are_told_apart_by_event_kind(raw: dict[str, Any], cls: type[Any]) -> None:
    loaded = pydantic.TypeAdapter(AgentStreamEvent).validate_python(raw)
    assert type(loaded) is cls
    assert loaded.event_kind == raw["event_kind"]
    own_tag = dataclasses.fields(cls)[-1]
    assert (own_tag.name, own_tag.default) == ("event_kind", raw["event_kind"])


def test_event_fields_load() -> None:
    adapter = pydantic.TypeAdapter(list[AgentStreamEvent])
    start, delta, end, call, result, enqueued = adapter.validate_python(
        [
            event("part_start", index=2, part=CALL, previous_part_kind="text"),
            event("part_delta", index=2, delta={"args_delta": "{}", "part_delta_kind": "tool_call"}),
            event("part_end", index=2, part=CALL, next_part_kind="thinking"),
            event("function_tool_call", part=CALL, args_valid=False),
            event("function_tool_result", part=RETRY, content="see image"),
            event("enqueued_messages", enqueue_id="q1", messages=[REQUEST]),
        ]
    )
    assert (start.part, start.previous_part_kind) == (ToolCallPart("f", {"a": 1}, "c1"), "text")
    assert delta.delta == ToolCallPartDelta(args_delta="{}")
    assert (end.index, end.next_part_kind) == (2, "thinking")
    assert (call.tool_call_id, call.args_valid) == ("c1", False)
    assert isinstance(result.part, RetryPromptPart)
    assert (result.part.content, result.content) == ("bad", "see image")
    assert enqueued.messages == (ModelRequest([]),)
    with pytest.raises(pydantic.ValidationError, match="part_begin"):
        adapter.validate_python([event("part_begin", index=0)])


# -- equality ------------------------------------------------------------------------------------------


def test_messages_compare_by_class_and_fields_and_are_unhashable() -> None:
    def response(text: str) -> ModelResponse:
        return ModelResponse([TextPart(text), ToolCallPart("f", {"a": 1}, "c1")], timestamp=T, run_id="r")

    assert response("hi") == response("hi")
    assert response("hi") != response("ho")
    assert TextPart("hi") != ThinkingPart("hi")  # same field values, different class
    assert ImageUrl("https://e.x/a") != DocumentUrl("https://e.x/a")
    assert (TextPart("hi") == "hi") is False
    nan = float("nan")
    assert ToolCallPart("f", {"x": nan}, "c1") != ToolCallPart("f", {"x": float("nan")}, "c1")
    shared = {"x": nan}
    assert ToolCallPart("f", shared, "c1") == ToolCallPart("f", shared, "c1")  # identical values, as in tuples
    with pytest.raises(TypeError, match="unhashable"):
        hash(TextPart("hi"))
    with pytest.raises(TypeError, match="unhashable"):
        hash(RequestUsage())


def test_file_schema_reads_aliases_and_writes_read_only_computed_fields() -> None:
    adapter = pydantic.TypeAdapter(ImageUrl)
    validation = adapter.json_schema()["properties"]
    assert validation.keys() == {"url", "force_download", "vendor_metadata", "kind", "media_type", "identifier"}
    assert not any(name.startswith("_") for name in validation)
    written = adapter.json_schema(mode="serialization")["properties"]
    assert written["media_type"]["readOnly"] is True
    assert written["identifier"]["description"].startswith("A short stable id")
    assert adapter.dump_python(ImageUrl("https://e.x/a.png")) == {
        "url": "https://e.x/a.png",
        "force_download": False,
        "vendor_metadata": None,
        "kind": "image-url",
        "media_type": "image/png",
        "identifier": "724315",
    }
    loaded = adapter.validate_python({"url": "https://e.x/a", "media_type": "image/gif", "identifier": "i"})
    assert (loaded.media_type, loaded.identifier) == ("image/gif", "i")
