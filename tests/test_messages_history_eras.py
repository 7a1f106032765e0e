"""Histories from both eras of the reference API load and dump back as they were written.

The fixtures under ``tests/data/histories`` hold every part kind: ``seed_every_part.json`` in the seed era's
format (what this package writes), ``newest_every_part.json`` as the newest reference release writes the same
conversation (``retry``, ``model_id`` and ``scope`` on every part that has them, a retried tool return,
``retry-feedback`` parts, speech, ``tools_added``), plus keys this version does not know;
``seed_anchor_output_tool.json`` is the history the reference recorded for an output-tool run.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trio_agent.messages import (
    ImageUrl,
    LoadCapabilityCallPart,
    LoadCapabilityReturnPart,
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    NativeToolSearchReturnPart,
    RetryFeedbackPart,
    SpeechPart,
    SystemPromptPart,
    TextPart,
    ToolAvailabilityDeltaPart,
    ToolCallPart,
    ToolReturnPart,
    ToolSearchCallPart,
    ToolSearchReturnPart,
)

DATA = Path(__file__).parent / "data" / "histories"
FIXTURES = sorted(DATA.glob("*.json"))
T = datetime(2026, 11, 23, 21, 56, 4, 394148, tzinfo=UTC)


def load(name: str) -> tuple[str, list[Any]]:
    text = (DATA / name).read_text()
    return text, ModelMessagesTypeAdapter.validate_json(text)


def dumped(messages: list[Any]) -> Any:
    return json.loads(ModelMessagesTypeAdapter.dump_json(messages))


def test_the_fixtures_cover_every_part_kind() -> None:
    kinds: set[str] = set()
    for path in FIXTURES:
        for message in json.loads(path.read_text()):
            kinds |= {part["part_kind"] for part in message["parts"]}
    request_kinds = {"system-prompt", "user-prompt", "tool-return", "retry-prompt", "retry-feedback", "speech"}
    response_kinds = {"text", "thinking", "tool-call", "builtin-tool-call", "builtin-tool-return", "file", "compaction"}
    assert kinds == request_kinds | response_kinds | {"tool-availability-delta"}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_load_then_dump_gives_back_the_same_json(path: Path) -> None:
    text = path.read_text()
    assert dumped(ModelMessagesTypeAdapter.validate_json(text)) == json.loads(text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_load_dump_load_gives_equal_objects(path: Path) -> None:
    messages = ModelMessagesTypeAdapter.validate_json(path.read_text())
    again = ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(messages))
    assert again == messages
    assert [type(p) for m in again for p in m.parts] == [type(p) for m in messages for p in m.parts]


def test_a_seed_era_history_dumps_with_its_keys_in_the_same_order() -> None:
    text, messages = load("seed_every_part.json")
    assert json.dumps(dumped(messages)) == json.dumps(json.loads(text))


def test_the_newest_eras_fields_load_into_the_objects() -> None:
    _, messages = load("newest_every_part.json")
    response = messages[1]
    assert isinstance(response, ModelResponse)
    assert response.model_id == "openai:gpt-4o"
    assert messages[0].parts[0] == SystemPromptPart("Be a travel agent.", timestamp=T.replace(second=1), scope="agent")
    retried = next(p for p in messages[2].parts if isinstance(p, ToolReturnPart) and p.outcome == "retried")
    assert (retried.tool_name, retried.tool_call_id) == ("broken", "call_3")
    assert retried.retry == {"cause": "validation_error", "attempt": 1, "max_retries": 3}
    feedback = [p for p in messages[2].parts if isinstance(p, RetryFeedbackPart)]
    assert [(p.cause, p.content) for p in feedback] == [
        ("model_retry", "Please answer in French."),
        ("no_output", "Please return text or call a tool."),
    ]
    assert (
        feedback[0].model_response()
        == "Validation feedback:\nPlease answer in French.\n\nFix the errors and try again."
    )
    [delta] = [p for p in messages[2].parts if isinstance(p, ToolAvailabilityDeltaPart)]
    assert delta.tools_added == delta.added == ["book_flight"]
    user_speech, model_speech = messages[-2].parts[0], messages[-1].parts[0]
    assert isinstance(user_speech, SpeechPart)
    assert user_speech.speaker == "user"
    assert isinstance(model_speech, SpeechPart)
    assert model_speech.audio is not None
    assert (model_speech.interrupted_at_ms, messages[-1].text) == (420, "Rain.")


def test_a_seed_era_history_spelled_added_keeps_that_spelling() -> None:
    _, messages = load("seed_every_part.json")
    [delta] = [p for p in messages[2].parts if isinstance(p, ToolAvailabilityDeltaPart)]
    assert delta.tools_added == ["book_flight"]
    [part] = [p for p in dumped(messages)[2]["parts"] if p["part_kind"] == "tool-availability-delta"]
    assert part == {"added": ["book_flight"], "tool_call_id": "call_4", "part_kind": "tool-availability-delta"}
    built = ToolAvailabilityDeltaPart(tools_added=["x"])
    assert dumped([ModelRequest([built])])[0]["parts"][0] == {
        "tools_added": ["x"],
        "tool_call_id": None,
        "part_kind": "tool-availability-delta",
    }


def test_typed_tool_parts_are_chosen_by_tool_kind_not_by_name() -> None:
    _, messages = load("seed_every_part.json")
    response_types = [type(p) for p in messages[1].parts]
    assert ToolSearchCallPart in response_types
    assert LoadCapabilityCallPart in response_types
    assert NativeToolSearchReturnPart in response_types
    request_types = [type(p) for p in messages[2].parts]
    assert ToolSearchReturnPart in request_types
    assert LoadCapabilityReturnPart in request_types
    search = next(p for p in messages[1].parts if isinstance(p, ToolSearchCallPart))
    assert search.queries == ["flights"]
    capability = next(p for p in messages[1].parts if isinstance(p, LoadCapabilityCallPart))
    assert capability.capability_id == "booking"
    loaded = next(p for p in messages[2].parts if isinstance(p, LoadCapabilityReturnPart))
    assert loaded.instructions == "Use booking tools."

    users_own = ModelMessagesTypeAdapter.validate_python(
        [{"parts": [{"tool_name": "search_tools", "args": {}, "part_kind": "tool-call"}], "kind": "response"}]
    )
    assert type(users_own[0].parts[0]) is ToolCallPart


def test_keys_this_version_does_not_know_survive_a_round_trip() -> None:
    _, messages = load("newest_every_part.json")
    out = dumped(messages)
    assert out[0]["parts"][2]["content"][1]["metadata"] == {"source": "camera"}
    assert out[1]["parts"][1]["future_flag"] is True
    assert out[3]["future_field"] == {"a": [1, 2]}
    image = messages[0].parts[2].content[1]
    assert image == ImageUrl("https://e.x/paris.png")  # (unknown keys take no part in equality)


def test_objects_built_in_code_dump_in_the_seed_eras_shape() -> None:
    history: list[ModelMessage] = [
        ModelRequest([SystemPromptPart("sys", timestamp=T), ToolReturnPart("f", 1, "c1", timestamp=T)], timestamp=T),
        ModelResponse([TextPart("ok")], model_name="m", timestamp=T),
    ]
    request, response = dumped(history)
    assert "scope" not in request["parts"][0]
    assert "retry" not in request["parts"][1]
    assert "model_id" not in response


def test_newer_fields_with_a_value_are_always_written() -> None:
    history: list[ModelMessage] = [
        ModelRequest(
            [
                SystemPromptPart("sys", timestamp=T, scope="run"),
                ToolReturnPart("f", "again", "c1", timestamp=T, outcome="retried", retry={"attempt": 2}),
            ]
        ),
        ModelResponse([TextPart("ok")], timestamp=T, model_id="test:m"),
    ]
    request, response = dumped(history)
    assert request["parts"][0]["scope"] == "run"
    assert (request["parts"][1]["outcome"], request["parts"][1]["retry"]) == ("retried", {"attempt": 2})
    assert response["model_id"] == "test:m"
    assert ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(history)) == history


def test_a_copy_of_a_loaded_part_dumps_in_the_seed_eras_shape() -> None:
    _, messages = load("newest_every_part.json")
    part = messages[2].parts[0]
    assert "retry" in dumped([ModelRequest([part])])[0]["parts"][0]
    assert "retry" not in dumped([ModelRequest([dataclasses.replace(part)])])[0]["parts"][0]


def test_speech_in_the_wrong_message_is_refused() -> None:
    with pytest.raises(ValueError, match="speaker='user'"):
        ModelRequest([SpeechPart(speaker="assistant", transcript="hi")])
    with pytest.raises(ValueError, match="speaker='assistant'"):
        ModelResponse([SpeechPart(speaker="user", transcript="hi")])
    bad = [{"parts": [{"speaker": "assistant", "transcript": "hi", "part_kind": "speech"}], "kind": "request"}]
    with pytest.raises(pydantic.ValidationError, match="speaker='user'"):
        ModelMessagesTypeAdapter.validate_python(bad)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(
    scope=st.none() | st.just("MISSING") | st.text(max_size=6),
    retry=st.just("MISSING") | _JSON_VALUES,
    model_id=st.none() | st.just("MISSING") | st.text(max_size=6),
    unknown=st.dictionaries(st.sampled_from(["x_new", "later", "extra_key"]), _JSON_VALUES, max_size=2),
)
def test_any_mix_of_newer_and_unknown_keys_round_trips(
    scope: str | None, retry: Any, model_id: str | None, unknown: dict[str, Any]
) -> None:
    system: dict[str, Any] = {"content": "s", "timestamp": "2026-11-23T21:56:04.394148Z", "dynamic_ref": None}
    tool_return: dict[str, Any] = {
        "tool_name": "f",
        "content": "r",
        "tool_call_id": "c1",
        "tool_kind": None,
        "metadata": None,
        "timestamp": "2026-11-23T21:56:04.394148Z",
        "outcome": "retried",
    }
    if scope != "MISSING":
        system["scope"] = scope
    if retry != "MISSING":
        tool_return["retry"] = retry
    system["part_kind"], tool_return["part_kind"] = "system-prompt", "tool-return"
    request: dict[str, Any] = {"parts": [system, {**tool_return, **unknown}], "timestamp": None, "instructions": None}
    request |= {"kind": "request", "run_id": None, "conversation_id": None, "metadata": None, "state": "complete"}
    response = json.loads(ModelMessagesTypeAdapter.dump_json([ModelResponse([], timestamp=T)]))[0]
    if model_id != "MISSING":
        response["model_id"] = model_id
    history = [request, response | unknown]
    messages = ModelMessagesTypeAdapter.validate_python(history)
    assert dumped(messages) == history
    assert ModelMessagesTypeAdapter.validate_json(ModelMessagesTypeAdapter.dump_json(messages)) == messages


def test_the_fast_and_the_faithful_dump_agree_where_both_apply() -> None:
    from trio_agent._messages.fields import needs_faithful_dump

    adapter: Any = ModelMessagesTypeAdapter
    for path in FIXTURES:  # the every-part fixtures hold something only the faithful dump gives back
        loaded = ModelMessagesTypeAdapter.validate_json(path.read_text())
        assert needs_faithful_dump(loaded) is path.stem.endswith("every_part")
    seed = json.loads((DATA / "seed_every_part.json").read_text())
    seed[2]["parts"] = [p for p in seed[2]["parts"] if p["part_kind"] != "tool-availability-delta"]
    messages = ModelMessagesTypeAdapter.validate_python(seed)
    assert not needs_faithful_dump(messages)
    assert json.loads(adapter._plain.dump_json(messages)) == json.loads(adapter._faithful.dump_json(messages)) == seed
    _, newest = load("newest_every_part.json")
    copied = [dataclasses.replace(m, parts=[dataclasses.replace(p) for p in m.parts]) for m in newest]
    assert needs_faithful_dump(copied)  # (the image that kept its unknown key, inside a copied part)
    assert dumped(copied)[0]["parts"][2]["content"][1]["metadata"] == {"source": "camera"}


def test_a_part_marks_the_message_holding_it() -> None:
    _, messages = load("newest_every_part.json")
    nested = messages[0].parts[2]  # a user prompt whose image has an unknown key
    assert nested.content[1].__dict__["_loaded"].extra == {"metadata": {"source": "camera"}}
    assert nested.__dict__["_loaded"].extra == {}
    assert dumped([ModelRequest([nested])])[0]["parts"][0]["content"][1]["metadata"] == {"source": "camera"}
