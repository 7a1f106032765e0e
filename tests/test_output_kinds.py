"""Every kind of output: dataclasses, TypedDicts, scalars, lists, unions, ToolOutput, NativeOutput,
PromptedOutput, TextOutput and output functions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pydantic
import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

from conftest import request_texts, scripted_model
from trio_agent import (
    Agent,
    ModelRetry,
    NativeOutput,
    PromptedOutput,
    RunContext,
    TextOutput,
    ToolOutput,
    UnexpectedModelBehavior,
    UserError,
)
from trio_agent.messages import ModelMessage, ModelResponse, RetryPromptPart, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.output import OutputObjectDefinition
from trio_agent.tools import ToolDefinition


@dataclass
class Point:
    x: int
    y: int


class Movie(TypedDict):
    title: str
    year: int


class City(BaseModel):
    """A city."""

    name: str


class Country(BaseModel):
    """A country."""

    name: str
    capital: str


@pytest.mark.parametrize(
    ("output_type", "args", "expected"),
    [
        (Point, {"x": 1, "y": 2}, Point(1, 2)),
        (Movie, {"title": "Alien", "year": 1979}, {"title": "Alien", "year": 1979}),
        (int, {"response": 42}, 42),
        (bool, {"response": True}, True),
        (list[str], {"response": ["a", "b"]}, ["a", "b"]),
        (list[Point], {"response": [{"x": 1, "y": 1}]}, [Point(1, 1)]),
    ],
)
async def test_structured_types_through_the_output_tool(output_type: Any, args: Any, expected: Any) -> None:
    agent = Agent(scripted_model([ToolCallPart("final_result", args, "c")]), output_type=output_type)
    assert (await agent.run("x")).output == expected


async def test_testmodel_generates_valid_output_for_each_type() -> None:
    # with the default seed 0: ints are 0, strings 'a', arrays hold one item, and a union picks its first member
    cases: list[tuple[Any, Any]] = [
        (Point, Point(0, 0)),
        (Movie, {"title": "a", "year": 0}),
        (int, 0),
        (list[str], ["a"]),
        (City | Country, City(name="a")),
    ]
    outputs = []
    for output_type, _ in cases:
        result = await Agent(TestModel(), output_type=output_type).run("x")
        outputs.append(result.output)
    assert outputs == [expected for _, expected in cases]
    assert type(outputs[0]) is Point
    assert type(outputs[4]) is City


async def test_a_union_of_models_and_the_tool_names() -> None:
    seen: list[list[str]] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append([t.name for t in info.output_tools])
        descriptions = {t.name: t.description for t in info.output_tools}
        assert descriptions == {"final_result_City": "A city.", "final_result_Country": "A country."}
        return ModelResponse(parts=[ToolCallPart("final_result_Country", {"name": "France", "capital": "Paris"}, "c")])

    result = await Agent(FunctionModel(model), output_type=City | Country).run("x")
    assert result.output == Country(name="France", capital="Paris")
    assert seen == [["final_result_City", "final_result_Country"]]


async def test_tool_output_name_description_and_retry_budget() -> None:
    model = scripted_model(*[[ToolCallPart("answer", {"name": 5}, f"c{i}")] for i in range(4)])
    spec = ToolOutput(City, name="answer", description="Give the city", max_retries=2)
    agent = Agent(model, output_type=spec)
    with pytest.raises(UnexpectedModelBehavior, match=r"Exceeded maximum output retries \(2\)"):
        await agent.run("x")
    assert len(model.calls) == 3
    answer_tool = ToolDefinition(
        name="answer",
        parameters_json_schema={
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
            "title": "City",  # as the reference: a model's title stays in its schema
            "type": "object",
        },
        description="Give the city. A city.",
        kind="output",
    )
    assert [info.output_tools for info in model.infos] == [[answer_tool]] * 3  # what the model was offered


async def test_native_output_sends_a_response_format_and_parses_json_text() -> None:
    seen: list[Any] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        params = info.model_request_parameters
        seen.append((params.output_mode, params.output_object, info.allow_text_output, info.output_tools))
        return ModelResponse(parts=[TextPart('Here you go:\n```json\n{"name": "Paris"}\n```')])

    result = await Agent(FunctionModel(model), output_type=NativeOutput(City, strict=True)).run("x")
    assert result.output == City(name="Paris")
    mode, output_object, allow_text, output_tools = seen[0]
    assert (mode, allow_text, output_tools) == ("native", True, [])
    assert output_object == OutputObjectDefinition(
        json_schema={
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
            "title": "City",
            "type": "object",
        },
        name="City",
        description="A city.",
        strict=True,
    )


async def test_native_output_needs_a_model_that_supports_it() -> None:
    with pytest.raises(UserError, match="`NativeOutput` needs a model that supports JSON-schema"):
        await Agent(TestModel(), output_type=NativeOutput(City)).run("x")


async def test_native_output_with_several_types_uses_kind_and_data() -> None:
    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        schema = info.model_request_parameters.output_object.json_schema  # type: ignore[union-attr]
        kinds = [entry["properties"]["kind"]["const"] for entry in schema["properties"]["result"]["anyOf"]]
        assert kinds == ["City", "Country"]
        payload = {"result": {"kind": "Country", "data": {"name": "Japan", "capital": "Tokyo"}}}
        return ModelResponse(parts=[TextPart(json.dumps(payload))])

    result = await Agent(FunctionModel(model), output_type=NativeOutput([City, Country])).run("x")
    assert result.output == Country(name="Japan", capital="Tokyo")


async def test_invalid_json_text_is_retried_with_the_errors() -> None:
    model = scripted_model([TextPart('{"nome": "x"}')], [TextPart('{"name": "Rome"}')])
    result = await Agent(model, output_type=NativeOutput(City)).run("x")
    assert result.output == City(name="Rome")
    retry_request = result.all_messages()[2]
    assert len(retry_request.parts) == 1
    retry = retry_request.parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert retry.tool_name is None
    assert retry.content == [{"type": "missing", "loc": ("name",), "msg": "Field required", "input": {"nome": "x"}}]


async def test_prompted_output_puts_the_schema_in_the_instructions() -> None:
    seen: list[str | None] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.instructions)
        return ModelResponse(parts=[TextPart('{"name": "Oslo"}')])

    agent = Agent(FunctionModel(model), instructions="Be brief.", output_type=PromptedOutput(City))
    assert (await agent.run("x")).output == City(name="Oslo")
    # As the reference: its template, the schema as json.dumps writes it, titled and described by the type.
    schema = (
        '{"properties": {"name": {"type": "string"}}, "required": ["name"], "title": "City", '
        '"type": "object", "description": "A city."}'
    )
    assert seen == [
        "Be brief.\n\n"
        "Always respond with a JSON object that's compatible with this schema:\n\n"
        f"{schema}\n\n"
        "Don't include any text or Markdown fencing before or after.\n"
    ]
    custom = Agent(FunctionModel(model), output_type=PromptedOutput(City, template="Schema: {schema}"))
    await custom.run("x")
    assert seen[1:] == [f"Schema: {schema}"]


async def test_text_output_function_with_context_and_retry() -> None:
    calls: list[tuple[str, int]] = []

    def split_words(ctx: RunContext[None], text: str) -> list[str]:
        calls.append((text, ctx.retry))
        if "," not in text:
            raise ModelRetry("use commas")
        return text.split(",")

    model = scripted_model([TextPart("a b")], [TextPart("a,b")])
    result = await Agent(model, output_type=TextOutput(split_words)).run("x")
    assert result.output == ["a", "b"]
    assert calls == [("a b", 0), ("a,b", 1)]
    assert request_texts(result.all_messages())[2] == ["req:retry-prompt:use commas"]


async def test_output_functions_become_output_tools() -> None:
    async def make_city(ctx: RunContext[None], name: str) -> City:
        """Build the city.

        Args:
            name: its name
        """
        if name == "nowhere":
            raise ModelRetry("name a real city")
        return City(name=name.title())

    model = scripted_model(
        [ToolCallPart("final_result", {"name": "nowhere"}, "c1")],
        [ToolCallPart("final_result", {"name": "lima"}, "c2")],
    )
    agent = Agent(model, output_type=make_city)
    result = await agent.run("x")
    assert result.output == City(name="Lima")
    make_city_tool = ToolDefinition(
        name="final_result",
        parameters_json_schema={
            "additionalProperties": False,
            "properties": {"name": {"description": "its name", "type": "string"}},
            "required": ["name"],
            "type": "object",
        },
        description="Build the city.",
        kind="output",
    )
    assert [info.output_tools for info in model.infos] == [[make_city_tool]] * 2  # what the model was offered
    assert request_texts(result.all_messages()) == [
        ["req:user-prompt:x"],
        ['resp:tool-call:final_result({"name":"nowhere"})'],
        ["req:retry-prompt:name a real city"],
        ['resp:tool-call:final_result({"name":"lima"})'],
        ["req:tool-return:Final result processed."],
    ]
    retry = result.all_messages()[2].parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert (retry.content, retry.tool_name, retry.tool_call_id) == ("name a real city", "final_result", "c1")


async def test_str_and_text_output_cannot_be_combined_and_native_must_be_alone() -> None:
    with pytest.raises(UserError, match="Only one `str` or `TextOutput` is allowed"):
        Agent("test", output_type=[str, TextOutput(str.upper)])
    with pytest.raises(UserError, match="must be the only output type"):
        Agent("test", output_type=[NativeOutput(City), Country])


def test_text_output_needs_a_function_of_the_text() -> None:
    from trio_agent import TextOutput

    def count(n: int) -> int:
        return n

    def two(a: str, b: str) -> str:
        return a + b

    for function in (count, two):
        with pytest.raises(UserError, match="TextOutput must take a function taking a single `str` argument"):
            Agent(TestModel(), output_type=TextOutput(function))


def test_structured_dict_refuses_recursive_definitions_as_the_reference_says() -> None:
    from trio_agent import StructuredDict

    tree = {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}
        },
    }
    with pytest.raises(UserError, match="does not currently support recursive `\\$ref`s and `\\$defs`"):
        StructuredDict(tree)
    flat = StructuredDict(
        {"$ref": "#/$defs/P", "$defs": {"P": {"type": "object", "properties": {"a": {"type": "integer"}}}}}
    )
    # a non-recursive $ref is inlined and accepted
    assert pydantic.TypeAdapter(flat).json_schema() == {"properties": {"a": {"type": "integer"}}, "type": "object"}
