"""Output: text, structured output through output tools, validators and the output retry budget."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from conftest import request_texts, scripted_model
from trio_agent import Agent, ModelRetry, RunContext, UnexpectedModelBehavior
from trio_agent.messages import ModelMessage, ModelResponse, RetryPromptPart, TextPart, ThinkingPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel


class Person(BaseModel):
    name: str


class Weather(BaseModel):
    """The weather somewhere."""

    city: str
    temp_c: int


class Refusal(BaseModel):
    reason: str


async def test_structured_output_matches_the_reference_history() -> None:
    async def model3(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        assert not info.allow_text_output
        assert info.output_tools[0].name == "final_result"
        return ModelResponse(
            parts=[ToolCallPart(info.output_tools[0].name, {"city": "Paris", "temp_c": 21}, "call_out_1")]
        )

    agent = Agent(FunctionModel(model3), output_type=Weather, instructions="Be brief.")
    result = await agent.run("Weather in Paris?")
    assert result.output == Weather(city="Paris", temp_c=21)
    dumped = json.loads(result.all_messages_json())
    assert [m["kind"] for m in dumped] == ["request", "response", "request"]
    assert dumped[0]["instructions"] == "Be brief."
    assert dumped[1]["usage"]["input_tokens"] == 53
    assert dumped[1]["usage"]["output_tokens"] == 6
    assert dumped[1]["model_name"] == "function:model3:"
    assert {k: v for k, v in dumped[2]["parts"][0].items() if k != "timestamp"} == {
        "tool_name": "final_result",
        "content": "Final result processed.",
        "tool_call_id": "call_out_1",
        "tool_kind": None,
        "metadata": None,
        "outcome": "success",
        "part_kind": "tool-return",
    }
    assert dumped[2]["instructions"] is None
    changed = result.all_messages(output_tool_return_content="Thanks, noted.")
    assert changed[-1].parts[0].content == "Thanks, noted."
    assert result.all_messages()[-1].parts[0].content == "Final result processed."


async def test_output_tool_schema_comes_from_the_type() -> None:
    agent = Agent("test", output_type=Weather)
    result = await agent.run("x")
    assert result.output == Weather(city="a", temp_c=0)
    [tool] = agent.model.last_model_request_parameters.output_tools  # type: ignore[union-attr]
    assert tool.description == "The weather somewhere."
    assert tool.parameters_json_schema == {
        "properties": {"city": {"type": "string"}, "temp_c": {"type": "integer"}},
        "required": ["city", "temp_c"],
        "title": "Weather",  # as the reference: the model's title stays
        "type": "object",
    }


async def test_scalar_output_is_wrapped_in_a_response_key() -> None:
    agent = Agent(scripted_model([ToolCallPart("final_result", {"response": [1, 2]}, "c")]), output_type=list[int])
    assert (await agent.run("x")).output == [1, 2]
    params = agent._compiled().output.request_parameters
    assert params.output_tools[0].outer_typed_dict_key == "response"


async def test_a_union_gets_one_tool_per_member_and_text_when_str_is_included() -> None:
    model = scripted_model([ToolCallPart("final_result_Refusal", {"reason": "no"}, "c")])
    agent = Agent(model, output_type=[Weather, Refusal])
    assert (await agent.run("x")).output == Refusal(reason="no")
    [info] = model.infos
    assert [t.name for t in info.output_tools] == ["final_result_Weather", "final_result_Refusal"]
    assert info.allow_text_output is False
    mixed = Agent(scripted_model([TextPart("plain text")]), output_type=Weather | str)
    result = await mixed.run("x")
    assert result.output == "plain text"
    params = mixed._compiled().output.request_parameters
    assert params.allow_text_output is True
    assert [t.name for t in params.output_tools] == ["final_result"]


async def test_invalid_output_args_are_retried_then_accepted() -> None:
    model = scripted_model(
        [ToolCallPart("final_result", {"city": "Paris"}, "c1")],
        [ToolCallPart("final_result", {"city": "Paris", "temp_c": 20}, "c2")],
    )
    result = await Agent(model, output_type=Weather).run("x")
    assert result.output == Weather(city="Paris", temp_c=20)
    retry = result.all_messages()[2].parts[0]
    assert isinstance(retry, RetryPromptPart)
    assert retry.tool_name == "final_result"
    assert retry.tool_call_id == "c1"
    assert retry.content == [
        {"type": "missing", "loc": ("temp_c",), "msg": "Field required", "input": {"city": "Paris"}}
    ]


async def test_text_when_a_tool_call_is_required_is_retried() -> None:
    model = scripted_model([TextPart("just text")], [ToolCallPart("final_result", {"city": "x", "temp_c": 1}, "c")])
    result = await Agent(model, output_type=Weather).run("x")
    assert request_texts(result.all_messages())[2] == ["req:retry-prompt:Please include your response in a tool call."]
    assert RetryPromptPart("Please include your response in a tool call.").model_response() == (
        "Validation feedback:\nPlease include your response in a tool call.\n\nFix the errors and try again."
    )


@pytest.mark.parametrize(
    ("tools", "expected"), [(False, "Please return text."), (True, "Please return text or call a tool.")]
)
async def test_empty_or_thinking_only_response_is_retried(tools: bool, expected: str) -> None:
    model = scripted_model([ThinkingPart("hmm")], [TextPart("answer")])
    agent = Agent(model)
    if tools:
        agent.tool_plain(lambda: "x", name="noop")
    result = await agent.run("x")
    assert result.output == "answer"
    assert request_texts(result.all_messages())[2] == [f"req:retry-prompt:{expected}"]


async def test_output_validator_retry_loop_ends_in_success() -> None:
    model = scripted_model([TextPart("bad")], [TextPart("good")])
    agent = Agent(model, output_retries=2)
    calls: list[tuple[str, int]] = []

    @agent.output_validator
    async def must_be_good(ctx: RunContext[None], output: str) -> str:
        calls.append((output, ctx.retry))
        if output != "good":
            raise ModelRetry("say good")
        return output.upper()

    result = await agent.run("x")
    assert result.output == "GOOD"
    assert calls == [("bad", 0), ("good", 1)]
    assert request_texts(result.all_messages())[2] == ["req:retry-prompt:say good"]


async def test_output_validator_exhausting_its_budget() -> None:
    model = scripted_model([TextPart("bad")], [TextPart("still bad")], [TextPart("never")])
    agent = Agent(model, retries=1)

    @agent.output_validator
    def reject(output: str) -> str:
        raise ModelRetry("no")

    with pytest.raises(UnexpectedModelBehavior, match=r"Exceeded maximum output retries \(1\)") as info:
        await agent.run("x")
    assert info.value.__cause__ == ModelRetry("no")  # the validator's last refusal
    assert len(model.calls) == 2


async def test_output_tool_validation_budget() -> None:
    model = scripted_model(*[[ToolCallPart("final_result", {"city": "x"}, f"c{i}")] for i in range(3)])
    with pytest.raises(UnexpectedModelBehavior, match=r"Exceeded maximum output retries \(1\)"):
        await Agent(model, output_type=Weather).run("x")
    assert len(model.calls) == 2


async def test_output_type_override_per_run() -> None:
    agent = Agent(scripted_model([ToolCallPart("final_result", {"reason": "r"}, "c")], [TextPart("t")]))
    assert (await agent.run("x", output_type=Refusal)).output == Refusal(reason="r")
    assert (await agent.run("x")).output == "t"


async def test_str_output_cannot_set_the_output_tool_return() -> None:
    result = await Agent("test").run("x")
    with pytest.raises(ValueError, match="return type is `str`"):
        result.all_messages(output_tool_return_content="x")


async def test_agent_run_json_with_output_tool_return_content() -> None:
    agent = Agent(scripted_model([ToolCallPart("final_result", {"reason": "r"}, "c")]), output_type=Refusal)
    async with agent.iter("x") as run:
        with pytest.raises(ValueError, match="has ended"):
            run.all_messages_json(output_tool_return_content="early")
        async for _ in run:
            pass
    dumped = json.loads(run.all_messages_json(output_tool_return_content="Thanks"))
    assert dumped[-1]["parts"][0]["content"] == "Thanks"
    assert json.loads(run.all_messages_json())[-1]["parts"][0]["content"] == "Final result processed."


async def test_a_list_sent_as_a_json_string_under_response_is_decoded() -> None:
    """Some providers send the wrapped value as a JSON string of itself; the reference decodes it."""
    people = [{"name": "Ada"}, {"name": "Grace"}]

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        args = json.dumps({"response": json.dumps(people)})
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, args)])

    result = await Agent(FunctionModel(answer), output_type=list[Person]).run("who?")
    assert result.output == [Person(name="Ada"), Person(name="Grace")]


async def test_a_string_that_is_not_the_value_still_fails_validation() -> None:
    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"response": "[not json"})])

    with pytest.raises(UnexpectedModelBehavior, match="output"):
        await Agent(FunctionModel(answer), output_type=list[Person], output_retries=0).run("who?")
