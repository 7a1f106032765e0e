"""The agent API as the reference has it: name inference, ``override`` with retries / instructions / settings,
retry budgets by kind, ``history_processors=``, agent-level event handlers, ``WrapperAgent``, and the JSON
schema of an agent's output."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import scripted_model
from trio_agent import Agent, ModelRetry, RunContext, UnexpectedModelBehavior
from trio_agent.agent import AgentRetries, WrapperAgent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.models.test import TestModel
from trio_agent.output import NativeOutput, PromptedOutput, StructuredDict, ToolOutput
from trio_agent.usage import RequestUsage


def test_the_name_is_inferred_from_the_callers_variable_on_the_first_run() -> None:
    my_agent = Agent(TestModel())
    assert my_agent.name is None
    my_agent.run_sync("x")
    assert my_agent.name == "my_agent"
    named = Agent(TestModel(), name="fixed")
    named.run_sync("x")
    assert named.name == "fixed"
    anonymous = Agent(TestModel())
    anonymous.run_sync("x", infer_name=False)
    assert anonymous.name is None


async def test_the_name_is_inferred_by_every_async_entry_point() -> None:
    streaming_agent = Agent(TestModel())
    async with streaming_agent.run_stream("x") as result:
        assert streaming_agent.name == "streaming_agent"
        await result.get_output()
    running_agent = Agent(TestModel())
    await running_agent.run("x")
    assert running_agent.name == "running_agent"
    iterating_agent = Agent(TestModel())
    async with iterating_agent.iter("x") as run:
        async for _ in run:
            pass
    assert iterating_agent.name == "iterating_agent"


async def test_retries_by_kind_and_overridden_per_block_and_per_run() -> None:
    attempts: list[int] = []

    def flaky(ctx: RunContext[None]) -> str:
        attempts.append(ctx.retry)
        raise ModelRetry("again")

    agent = Agent(TestModel(), tools=[flaky], retries=AgentRetries(tools=2, output=1))
    with pytest.raises(UnexpectedModelBehavior, match=r"exceeded max retries count of 2"):
        await agent.run("x")
    assert attempts == [0, 1, 2]
    attempts.clear()
    with (
        agent.override(retries={"tools": 0}),
        pytest.raises(UnexpectedModelBehavior, match=r"exceeded max retries count of 0"),
    ):
        await agent.run("x")
    assert attempts == [0]
    attempts.clear()
    with pytest.raises(UnexpectedModelBehavior, match=r"exceeded max retries count of 1"):
        await agent.run("x", retries=1)
    assert attempts == [0, 1]


async def test_override_replaces_instructions_settings_and_metadata_and_nests() -> None:
    seen: list[tuple[str | None, Any]] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append((info.instructions, (info.model_settings or {}).get("temperature")))
        return ModelResponse(parts=[TextPart("ok")])

    agent = Agent(FunctionModel(model), instructions="agent's", model_settings={"temperature": 0.1}, metadata={"a": 1})
    with agent.override(instructions="block's", model_settings={"temperature": 0.5}), agent.override(metadata={"b": 2}):
        result = await agent.run("x")
    assert seen == [("block's", 0.5)]  # the inner block kept what the outer one replaced
    assert result.metadata == {"b": 2}
    await agent.run("x")
    assert seen[-1] == ("agent's", 0.1)


async def test_run_instructions_follow_the_agents() -> None:
    seen: list[str | None] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.instructions)
        return ModelResponse(parts=[TextPart("ok")])

    agent = Agent(FunctionModel(model), instructions="Be brief.")
    await agent.run("x", instructions="Answer in French.")
    assert seen == ["Be brief.\n\nAnswer in French."]


async def test_history_processors_rewrite_what_the_model_is_sent() -> None:
    sent: list[int] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        sent.append(len(messages))
        return ModelResponse(parts=[TextPart("ok")])

    def keep_last(messages: list[ModelMessage]) -> list[ModelMessage]:
        return messages[-1:]

    agent = Agent(FunctionModel(model), history_processors=[keep_last])
    first = await agent.run("one")
    await agent.run("two", message_history=first.all_messages())
    assert sent == [1, 1]


async def test_agent_event_stream_handler_is_used_by_runs_and_run_stream() -> None:
    kinds: list[str] = []

    async def handler(ctx: RunContext[None], events: AsyncIterable[Any]) -> None:
        async for event in events:
            kinds.append(event.event_kind)

    def tool() -> str:
        return "t"

    agent = Agent(TestModel(), tools=[tool], event_stream_handler=handler)
    await agent.run("x")
    assert "function_tool_call" in kinds
    assert "function_tool_result" in kinds
    kinds.clear()
    async with Agent(TestModel(), tools=[tool]).run_stream("x", event_stream_handler=handler) as result:
        await result.get_output()
    assert "function_tool_result" in kinds  # the step before the final answer went through the handler


async def test_wrapper_agent_runs_the_wrapped_configuration() -> None:
    inner = Agent(scripted_model([TextPart("from inner")]), name="inner")
    wrapper: WrapperAgent[None, str] = WrapperAgent(inner)
    assert wrapper.name == "inner"
    assert (await wrapper.run("x")).output == "from inner"
    with wrapper.override(model=TestModel(custom_output_text="overridden")):
        assert (await wrapper.run("x")).output == "overridden"
    wrapper.name = "renamed"
    assert inner.name == "renamed"


class Person(BaseModel):
    """A person."""

    name: str


def test_output_json_schema_of_text_and_of_one_plain_type() -> None:
    assert Agent(TestModel()).output_json_schema() == {"type": "string"}
    schema = Agent(TestModel(), output_type=Person).output_json_schema()
    person, text = schema["properties"]["result"]["anyOf"]
    assert person == {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "const": "Person"},
            "data": {"properties": {"name": {"type": "string"}}, "required": ["name"], "type": "object"},
        },
        "required": ["kind", "data"],
        "additionalProperties": False,
        "title": "Person",
        "description": "A person.",
    }
    assert text["title"] == "str"  # a plain type leaves the output mode to the model: text is possible
    assert text["properties"]["data"] == {
        "properties": {"response": {"type": "string"}},
        "required": ["response"],
        "type": "object",
    }


def test_output_json_schema_of_tool_native_prompted_and_structured_dict_outputs() -> None:
    tools = Agent(TestModel(), output_type=[ToolOutput(bool, name="alice", description="Dreaming...")])
    [alice] = tools.output_json_schema()["properties"]["result"]["anyOf"]
    assert (alice["title"], alice["description"]) == ("alice", "Dreaming...")
    native = Agent(TestModel(), output_type=NativeOutput([bool], name="n", description="d")).output_json_schema()
    assert [(e["title"], e.get("description")) for e in native["properties"]["result"]["anyOf"]] == [
        ("n", "d"),
        ("str", None),
    ]
    prompted = Agent(TestModel(), output_type=PromptedOutput([bool], name="p")).output_json_schema()
    assert [e["title"] for e in prompted["properties"]["result"]["anyOf"]] == ["p", "str"]
    human = StructuredDict(
        {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]}, name="Human"
    )
    [entry, _] = Agent(TestModel(), output_type=human).output_json_schema()["properties"]["result"]["anyOf"]
    assert entry["properties"]["data"] == {
        "properties": {"age": {"type": "integer"}},
        "required": ["age"],
        "type": "object",
    }


async def test_structured_dict_is_the_dict_the_model_sends() -> None:
    human = StructuredDict(
        {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]},
        name="Human",
        description="A human",
    )
    seen: list[Any] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append((info.output_tools[0].parameters_json_schema, info.output_tools[0].description))
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"age": 30})])

    result = await Agent(FunctionModel(model), output_type=human).run("x")
    assert result.output == {"age": 30}
    assert seen == [
        (
            {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"], "title": "Human"},
            "A human",
        )
    ]


def test_test_model_estimates_usage_as_the_reference() -> None:
    result = Agent(TestModel()).run_sync("Hello")
    response = result.all_messages()[1]
    assert isinstance(response, ModelResponse)
    assert response.usage == RequestUsage(input_tokens=51, output_tokens=4)  # "success (no tool calls)"


async def test_model_settings_may_be_a_function_of_the_run_context() -> None:
    seen: list[Any] = []

    async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(info.model_settings)
        return ModelResponse(parts=[TextPart("ok")])

    agent = Agent(FunctionModel(model), model_settings=lambda ctx: {"temperature": ctx.run_step / 10})
    await agent.run("x", model_settings=lambda ctx: {"max_tokens": 3})
    assert seen == [{"temperature": 0.1, "max_tokens": 3}]
