"""TestModel behaviour, its streaming, its JSON-schema test data, and infer_model."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel

from trio_agent import Agent, ModelRetry, RequestUsage, UserError
from trio_agent.builtin_tools import WebSearchTool
from trio_agent.messages import (
    FinalResultEvent,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from trio_agent.models import Model, ModelRequestParameters, infer_model
from trio_agent.models._json_test_data import generate_test_data
from trio_agent.models.function import FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.tools import ToolDefinition


class Out(BaseModel):
    x: int
    y: str


def _agent_with_tools(model: TestModel) -> Agent:
    agent = Agent(model)

    @agent.tool_plain
    def add(a: int, b: int = 3) -> int:
        return a + b

    @agent.tool_plain
    def greet(name: str) -> str:
        return f"hi {name}"

    return agent


def _responses(messages: list[ModelMessage]) -> list[ModelResponse]:
    return [m for m in messages if isinstance(m, ModelResponse)]


# -- non-streamed behaviour -------------------------------------------------------------------------------


def test_identity() -> None:
    model = TestModel()
    assert model.model_name == "test"
    assert model.system == "test"
    assert TestModel(model_name="other").model_name == "other"
    assert model.last_model_request_parameters is None


async def test_first_request_calls_every_tool_then_reports_returns() -> None:
    result = await _agent_with_tools(TestModel()).run("go")
    first, second = _responses(result.all_messages())
    assert first.parts == [
        ToolCallPart("add", {"a": 0}, tool_call_id="pyd_ai_tool_call_id__add"),
        ToolCallPart("greet", {"name": "a"}, tool_call_id="pyd_ai_tool_call_id__greet"),
    ]
    assert first.model_name == "test"
    assert first.provider_name == "test"
    assert second.parts == [TextPart('{"add":3,"greet":"hi a"}')]
    assert result.output == '{"add":3,"greet":"hi a"}'


async def test_call_tools_subset() -> None:
    result = await _agent_with_tools(TestModel(call_tools=["greet"])).run("go")
    first, _ = _responses(result.all_messages())
    assert first.parts == [ToolCallPart("greet", {"name": "a"}, tool_call_id="pyd_ai_tool_call_id__greet")]
    assert result.output == '{"greet":"hi a"}'


async def test_no_tools_gives_success_text() -> None:
    result = await Agent(TestModel()).run("Hello")
    assert result.output == "success (no tool calls)"
    [response] = _responses(result.all_messages())
    assert response.usage == RequestUsage(input_tokens=51, output_tokens=4)


async def test_history_with_a_response_suppresses_tool_calls() -> None:
    history: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("earlier")]),
        ModelResponse(parts=[TextPart("before")]),
    ]
    result = await _agent_with_tools(TestModel()).run("go", message_history=history)
    assert result.output == "success (no tool calls)"


async def test_custom_output_text() -> None:
    result = await _agent_with_tools(TestModel(custom_output_text="Done.")).run("go")
    assert result.output == "Done."
    assert len(_responses(result.all_messages())) == 2  # the tools are still called first


async def test_structured_output_generated() -> None:
    model = TestModel()
    result = await Agent(model, output_type=Out).run("go")
    assert result.output == Out(x=0, y="a")
    [response] = _responses(result.all_messages())
    assert response.parts == [
        ToolCallPart("final_result", {"x": 0, "y": "a"}, tool_call_id="pyd_ai_tool_call_id__final_result")
    ]


async def test_custom_output_args() -> None:
    result = await Agent(TestModel(custom_output_args={"x": 5, "y": "z"}), output_type=Out).run("go")
    assert result.output == Out(x=5, y="z")
    result = await Agent(TestModel(custom_output_args=Out(x=1, y="b")), output_type=Out).run("go")
    assert result.output == Out(x=1, y="b")


async def test_custom_output_args_wrapped_under_outer_typed_dict_key() -> None:
    tool = ToolDefinition(name="final_result", kind="output", outer_typed_dict_key="response")
    params = ModelRequestParameters(output_mode="tool", allow_text_output=False, output_tools=[tool])
    messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("hi")])]
    response = await TestModel(custom_output_args=[1, 2]).request(messages, None, params)
    assert response.parts == [
        ToolCallPart("final_result", {"response": [1, 2]}, tool_call_id="pyd_ai_tool_call_id__final_result")
    ]


async def test_retry_prompt_recalls_the_retried_tool() -> None:
    calls: list[int] = []
    agent = Agent(TestModel())

    @agent.tool_plain
    def flaky(n: int) -> str:
        calls.append(n)
        if len(calls) == 1:
            raise ModelRetry("try again")
        return f"ok {n}"

    result = await agent.run("go")
    assert calls == [0, 0]
    first, retry, final = _responses(result.all_messages())
    assert first.parts == [ToolCallPart("flaky", {"n": 0}, tool_call_id="pyd_ai_tool_call_id__flaky")]
    [recall] = retry.parts
    assert isinstance(recall, ToolCallPart)
    assert (recall.tool_name, recall.args) == ("flaky", {"n": 0})
    assert re.fullmatch(r"pyd_ai_[0-9a-f]{32}", recall.tool_call_id)
    assert final.parts == [TextPart('{"flaky":"ok 0"}')]


async def test_last_model_request_parameters_are_the_prepared_ones() -> None:
    model = TestModel()
    agent = _agent_with_tools(model)
    await agent.run("go", output_type=Out)
    params = model.last_model_request_parameters
    assert params is not None
    assert [t.name for t in params.function_tools] == ["add", "greet"]
    assert [t.name for t in params.output_tools] == ["final_result"]
    assert params.output_mode == "tool"
    assert params.allow_text_output is False


async def test_auto_output_mode_resolves_to_tool() -> None:
    model = TestModel()
    params = ModelRequestParameters(output_mode="auto", output_tools=[ToolDefinition(name="out", kind="output")])
    response = await model.request([ModelRequest(parts=[UserPromptPart("hi")])], None, params)
    assert model.last_model_request_parameters is not None
    assert model.last_model_request_parameters.output_mode == "tool"
    assert model.last_model_request_parameters.allow_text_output is False
    assert response.parts == [ToolCallPart("out", {}, tool_call_id="pyd_ai_tool_call_id__out")]


async def test_native_tools_are_refused() -> None:
    params = ModelRequestParameters(native_tools=[WebSearchTool()])
    with pytest.raises(UserError, match="TestModel does not support built-in tools"):
        await TestModel().request([ModelRequest(parts=[UserPromptPart("hi")])], None, params)


def test_custom_text_and_args_together_rejected() -> None:
    with pytest.raises(UserError):
        TestModel(custom_output_text="a", custom_output_args={"x": 1})


# -- streaming ----------------------------------------------------------------------------------------------


async def _stream_events(model: TestModel, messages: list[ModelMessage] | None = None) -> tuple[list[Any], Any]:
    messages = messages or [ModelRequest(parts=[UserPromptPart("hi")])]
    async with model.request_stream(messages, None, ModelRequestParameters()) as stream:
        events = [event async for event in stream]
        return events, stream.get()


async def test_stream_splits_text_into_words_after_an_empty_delta() -> None:
    events, response = await _stream_events(TestModel(custom_output_text="The quick brown fox"))
    assert events[:2] == [
        PartStartEvent(index=0, part=TextPart("")),
        FinalResultEvent(tool_name=None, tool_call_id=None),
    ]
    deltas = [e.delta.content_delta for e in events if isinstance(e, PartDeltaEvent)]
    assert deltas == ["The ", "quick ", "brown ", "fox"]
    assert events[-1] == PartEndEvent(index=0, part=TextPart("The quick brown fox"))
    assert response.parts == [TextPart("The quick brown fox")]
    assert response.state == "complete"
    assert response.usage == RequestUsage(input_tokens=51, output_tokens=4)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [("hello", ["he", "llo"]), ("abc", ["a", "bc"]), ("hi", ["hi"]), ("", [""])],
)
async def test_stream_single_word_split_in_halves(text: str, pieces: list[str]) -> None:
    events, _ = await _stream_events(TestModel(custom_output_text=text))
    assert [e.delta.content_delta for e in events if isinstance(e, PartDeltaEvent)] == pieces


async def test_stream_default_text() -> None:
    events, response = await _stream_events(TestModel())
    deltas = [e.delta.content_delta for e in events if isinstance(e, PartDeltaEvent)]
    assert deltas == ["success ", "(no ", "tool ", "calls)"]
    assert response.usage == RequestUsage(input_tokens=51, output_tokens=4)


async def test_stream_tool_calls_are_whole_parts_without_usage() -> None:
    model = TestModel()
    params = ModelRequestParameters(
        function_tools=[
            ToolDefinition(name="a", parameters_json_schema={"type": "object", "properties": {}}),
            ToolDefinition(
                name="b",
                parameters_json_schema={"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
            ),
        ]
    )
    messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("hi")])]
    async with model.request_stream(messages, None, params) as stream:
        events = [event async for event in stream]
        response = stream.get()
    call_a = ToolCallPart("a", {}, tool_call_id="pyd_ai_tool_call_id__a")
    call_b = ToolCallPart("b", {"n": 0}, tool_call_id="pyd_ai_tool_call_id__b")
    assert events == [
        PartStartEvent(index=0, part=call_a),
        PartEndEvent(index=0, part=call_a, next_part_kind="tool-call"),
        PartStartEvent(index=1, part=call_b, previous_part_kind="tool-call"),
        PartEndEvent(index=1, part=call_b),
    ]
    assert response.parts == [call_a, call_b]
    assert response.usage == RequestUsage(input_tokens=51, output_tokens=0)
    assert model.last_model_request_parameters is not None


# -- generate_test_data -------------------------------------------------------------------------------------


def test_gen_tool_args_for_int_and_str() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer", "default": 3}, "s": {"type": "string"}},
        "required": ["a", "s"],
    }
    assert TestModel().gen_tool_args(ToolDefinition(name="t", parameters_json_schema=schema)) == {"a": 0, "s": "a"}


@pytest.mark.parametrize(
    ("seed", "char"),
    [(0, "a"), (1, "b"), (25, "z"), (26, "A"), (52, "0"), (62, "!"), (93, "~"), (94, "aa"), (95, "ab"), (188, "ba")],
)
def test_char_sequence(seed: int, char: str) -> None:
    assert generate_test_data({"type": "string"}, seed) == char
    assert generate_test_data({}, seed) == char


def test_const_enum_examples_anyof() -> None:
    assert generate_test_data({"const": "fixed", "type": "string"}) == "fixed"
    assert generate_test_data({"const": 0, "type": "integer", "minimum": 4}) == 4  # a falsy const is ignored
    assert generate_test_data({"enum": ["x", "y", "z"]}, seed=4) == "y"
    assert generate_test_data({"examples": [10, 20]}, seed=1) == 20
    any_of = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert generate_test_data(any_of, seed=0) == 0
    assert generate_test_data(any_of, seed=1) is None


def test_ref_resolves_against_root_defs() -> None:
    schema = {
        "$defs": {"Inner": {"type": "object", "properties": {"v": {"type": "boolean"}}, "required": ["v"]}},
        "type": "object",
        "properties": {"inner": {"$ref": "#/$defs/Inner"}},
        "required": ["inner"],
    }
    assert generate_test_data(schema) == {"inner": {"v": False}}
    assert generate_test_data(schema, seed=1) == {"inner": {"v": True}}


def test_strings() -> None:
    assert generate_test_data({"type": "string", "minLength": 3}) == "aaa"
    assert generate_test_data({"type": "string", "minLength": 2}, seed=1) == "bb"
    assert generate_test_data({"type": "string", "minLength": 0}) == ""
    assert generate_test_data({"type": "string", "maxLength": 0}) == ""
    assert generate_test_data({"type": "string", "format": "date"}) == "2024-01-01"
    assert generate_test_data({"type": "string", "format": "date"}, seed=31) == "2024-02-01"
    assert generate_test_data({"type": "string", "format": "date-time"}) == "a"


def test_integers_and_numbers() -> None:
    assert generate_test_data({"type": "integer"}, seed=7) == 7
    assert generate_test_data({"type": "integer", "minimum": 10}, seed=2) == 12
    assert generate_test_data({"type": "integer", "maximum": 10}, seed=2) == 8
    assert generate_test_data({"type": "integer", "minimum": 10, "maximum": 13}, seed=5) == 12
    assert generate_test_data({"type": "integer", "exclusiveMinimum": 0}) == 1
    assert generate_test_data({"type": "integer", "exclusiveMaximum": 0}) == -1
    number = generate_test_data({"type": "number"})
    assert number == 0.0
    assert isinstance(number, float)
    assert generate_test_data({"type": "boolean"}) is False
    assert generate_test_data({"type": "null"}) is None


def test_arrays() -> None:
    assert generate_test_data({"type": "array"}) == []
    assert generate_test_data({"type": "array", "items": {"type": "integer"}}) == [0]
    assert generate_test_data({"type": "array", "items": {"type": "string"}, "minItems": 3}) == ["a", "a", "a"]
    unique = {"type": "array", "items": {"type": "integer"}, "minItems": 3, "uniqueItems": True}
    assert generate_test_data(unique) == [0, 1, 2]
    prefix = {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "boolean"}}
    assert generate_test_data(prefix) == ["a", 0, False]
    capped = {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}, "maxItems": 1}
    assert generate_test_data(capped) == ["a"]


def test_objects_with_additional_properties() -> None:
    assert generate_test_data({"type": "object", "additionalProperties": True}) == {"additionalProperty": "a"}
    schema = {
        "type": "object",
        "properties": {"additionalProperty": {"type": "integer"}},
        "required": ["additionalProperty"],
        "additionalProperties": {"type": "integer", "minimum": 5},
    }
    assert generate_test_data(schema) == {"additionalProperty": 0, "additionalProperty_": 5}
    assert generate_test_data({"type": "object", "additionalProperties": {}}) == {}
    assert generate_test_data({"type": "object", "properties": {"opt": {"type": "string"}}}) == {}


def test_unknown_type_not_implemented() -> None:
    with pytest.raises(NotImplementedError, match="Unknown type"):
        generate_test_data({"type": "mystery"})
    with pytest.raises(NotImplementedError, match="Unknown type"):
        generate_test_data({"type": ["string", "null"]})


# -- infer_model ------------------------------------------------------------------------------------------


def test_infer_model() -> None:
    assert isinstance(infer_model("test"), TestModel)
    model = FunctionModel(lambda m, i: ModelResponse(parts=[]))
    assert infer_model(model) is model
    assert isinstance(Agent("test").model, Model)


@pytest.mark.parametrize("name", ["gpt-4o", "nonsense", "", ":x", "x:"])
def test_infer_model_bad_names(name: str) -> None:
    with pytest.raises(UserError):
        infer_model(name)
