"""Tools as the reference builds them: ``args_validator``, ``Tool.from_schema``, return schemas, ``*args``, and
the definition every model sees (serialised with all its fields)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import pydantic_core
import pytest
from pydantic import Field
from typing_extensions import TypedDict

from trio_agent import Agent, ModelRetry, RunContext, Tool, UserError
from trio_agent.messages import ModelMessage, ModelResponse, RetryPromptPart, TextPart, ToolCallPart, ToolReturnPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.tools import ToolDefinition


async def test_args_validator_sees_validated_arguments_and_can_ask_for_a_retry() -> None:
    checked: list[tuple[object, int]] = []

    def at_least_one(ctx: RunContext[None], n: int) -> None:
        checked.append((ctx.deps, n))
        if n < 1:
            raise ModelRetry("n must be at least 1")

    def double(ctx: RunContext[None], n: int) -> int:
        return 2 * n

    calls = iter([{"n": "0"}, {"n": 3}])

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if isinstance(messages[-1].parts[-1], ToolReturnPart):
            return ModelResponse(parts=[TextPart("done")])
        return ModelResponse(parts=[ToolCallPart("double", next(calls), "c")])

    result = await Agent(FunctionModel(model), tools=[Tool(double, args_validator=at_least_one)]).run("x")
    assert checked == [(None, 0), (None, 3)]  # converted to int before the validator sees it
    retry, returned = result.all_messages()[2].parts[0], result.all_messages()[4].parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert retry.content == "n must be at least 1"
    assert isinstance(returned, ToolReturnPart)
    assert returned.content == 6


async def test_a_tool_from_a_json_schema_gets_the_arguments_as_sent() -> None:
    def lookup(**kwargs: object) -> str:
        return f"looked up {kwargs}"

    schema = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    tool = Tool.from_schema(lookup, name="lookup", description="Look it up", json_schema=schema)
    assert (tool.tool_def.name, tool.tool_def.description, tool.tool_def.parameters_json_schema) == (
        "lookup",
        "Look it up",
        schema,
    )
    result = await Agent(TestModel(), tools=[tool]).run("x")
    assert result.output == "{\"lookup\":\"looked up {'q': 'a'}\"}"


def test_return_schema_only_when_asked_for() -> None:
    def count(word: str) -> int:
        return len(word)

    assert Tool(count).tool_def.return_schema is None
    with_schema = Tool(count, include_return_schema=True).tool_def
    assert (with_schema.return_schema, with_schema.include_return_schema) == ({"type": "integer"}, True)


async def test_var_positional_parameters_are_a_list_the_model_fills_in() -> None:
    def total(ctx: RunContext[int], *numbers: int) -> int:
        return ctx.deps + sum(numbers)

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1].parts[-1]
        if isinstance(last, ToolReturnPart):
            return ModelResponse(parts=[TextPart(str(last.content))])
        return ModelResponse(parts=[ToolCallPart("total", {"numbers": [1, 2, 3]}, "c")])

    agent = Agent(FunctionModel(model), deps_type=int, tools=[total])
    assert (await agent.run("x", deps=10)).output == "16"


def test_schema_errors_are_listed_under_the_function_name() -> None:
    with pytest.raises(UserError) as raised:
        Tool(min)
    assert str(raised.value) == (
        "Error generating schema for min:\n"
        "  Error getting signature for min: no signature found for builtin <built-in function min>"
    )


async def test_the_definition_the_model_sees_serialises_every_field() -> None:
    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart(pydantic_core.to_json(info.function_tools[0]).decode())])

    def ping(host: str) -> str:
        """Ping a host."""
        return host

    result = await Agent(FunctionModel(model), tools=[ping]).run("x")
    assert pydantic_core.from_json(result.output) == {
        "name": "ping",
        "parameters_json_schema": {
            "additionalProperties": False,
            "properties": {"host": {"type": "string"}},
            "required": ["host"],
            "type": "object",
        },
        "description": "Ping a host.",
        "outer_typed_dict_key": None,
        "strict": None,
        "sequential": False,
        "kind": "function",
        "metadata": None,
        "timeout": None,
        "defer_loading": False,
        "unless_native": None,
        "with_native": None,
        "tool_kind": None,
        "return_schema": None,
        "include_return_schema": None,
        "toolset_id": "<agent>",
        "capability_id": None,
    }
    assert ToolDefinition(name="t").kind == "function"


class Scores(TypedDict):
    a: int
    """The first score"""
    b: int


def test_a_typed_dict_parameter_is_closed_and_described_by_attribute_docstrings() -> None:
    def total(scores: Scores) -> int:
        return scores["a"] + scores["b"]

    assert Tool(total).tool_def.parameters_json_schema == {
        "properties": {"a": {"type": "integer", "description": "The first score"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
        "title": "Scores",
        "type": "object",
        "additionalProperties": False,
    }


def test_docstrings_as_the_reference_reads_them() -> None:
    def documented(x: int, label: Annotated[str, Field(description="from the annotation")]) -> str:
        """
        Args:
            x: The x.
            label: From the docstring.

        Returns:
            str: The label.
        """
        return label

    tool_def = Tool(documented).tool_def
    assert tool_def.description == "<returns>\n<type>str</type>\n<description>The label.</description>\n</returns>"
    assert tool_def.parameters_json_schema["properties"] == {
        "x": {"description": "The x.", "type": "integer"},
        "label": {"description": "from the annotation", "type": "string"},
    }


def test_a_tool_takes_the_toolsets_retries_when_it_has_none_of_its_own() -> None:
    def plain(x: int) -> int:
        return x

    def stubborn(x: int) -> int:
        return x

    agent = Agent(TestModel(), tools=[Tool(plain), Tool(stubborn, max_retries=2)], retries=7)
    tools = agent._function_toolset.tools  # pyright: ignore[reportPrivateUsage]
    assert (tools["plain"].max_retries, tools["stubborn"].max_retries) == (7, 2)
    assert Tool(plain).max_retries is None  # the Tool given is not changed


def test_name_conflicts_are_worded_as_the_reference_words_them() -> None:
    from trio_agent import ToolOutput

    def ctx_tool(ctx: RunContext[int], x: int) -> int:
        return x + ctx.deps

    agent = Agent(TestModel(), tools=[ctx_tool], deps_type=int, output_type=ToolOutput(int, name="ctx_tool"))
    with pytest.raises(UserError, match=r"^The agent defines a tool whose name conflicts with existing tool from the "):
        agent.run_sync("", deps=0)

    async def to_bar(ctx: RunContext[None], tool_def: ToolDefinition) -> ToolDefinition:
        return dataclasses.replace(tool_def, name="bar")

    def plain(x: int) -> int:
        return x

    renaming = Agent(TestModel())
    renaming.tool_plain(name="bar")(plain)
    renaming.tool_plain(name="foo", prepare=to_bar)(plain)
    with pytest.raises(UserError, match=r"Renaming tool 'foo' to 'bar' conflicts with existing tool\."):
        renaming.run_sync("")
    renamed_first = Agent(TestModel())
    renamed_first.tool_plain(name="foo", prepare=to_bar)(plain)
    renamed_first.tool_plain(name="bar")(plain)
    with pytest.raises(UserError, match=r"Tool name conflicts with previously renamed tool: 'bar'\."):
        renamed_first.run_sync("")
