"""Driving runs: the seed document's two examples, results, history, and the lock-step protocol."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import trio
import trio.testing

from conftest import scripted_model, task_names
from trio_agent import (
    Agent,
    AgentRun,
    CallToolsNode,
    End,
    FinalResult,
    ModelRequestNode,
    UserError,
    UserPromptNode,
)
from trio_agent.messages import (
    ImageUrl,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.usage import RequestUsage, RunUsage


async def capital(messages: list, info: AgentInfo) -> ModelResponse:
    return ModelResponse(
        parts=[TextPart("The capital of France is Paris.")], usage=RequestUsage(input_tokens=56, output_tokens=7)
    )


agent = Agent(FunctionModel(capital, model_name="gpt-5.2"))


async def test_seed_example_async_for_yields_every_node_before_it_runs() -> None:
    nodes = []
    started = datetime.now(UTC)
    async with agent.iter("What is the capital of France?") as agent_run:
        async for node in agent_run:
            nodes.append(node)
    ended = datetime.now(UTC)
    assert [type(n) for n in nodes] == [UserPromptNode, ModelRequestNode, CallToolsNode, End]
    prompt_node, request_node, tools_node, end = nodes
    assert prompt_node.user_prompt == "What is the capital of France?"
    assert repr(prompt_node) == (
        "UserPromptNode(user_prompt='What is the capital of France?', instructions_functions=[], "
        "system_prompts=(), system_prompt_functions=[], system_prompt_dynamic_functions={})"
    )
    request = request_node.request
    assert [type(p) for p in request.parts] == [UserPromptPart]
    assert request.run_id == agent_run.run_id
    assert request.conversation_id == agent_run.conversation_id
    assert started <= request.timestamp <= tools_node.model_response.timestamp <= ended  # UTC, when it was made
    response = tools_node.model_response
    assert response.parts == [TextPart("The capital of France is Paris.")]
    assert response.usage == RequestUsage(input_tokens=56, output_tokens=7)
    assert response.model_name == "gpt-5.2"
    assert response.run_id == agent_run.run_id
    assert end == End(FinalResult("The capital of France is Paris."))
    assert repr(end) == "End(data=FinalResult(output='The capital of France is Paris.'))"
    assert agent_run.result is not None
    assert agent_run.result.output == "The capital of France is Paris."


async def test_seed_example_manual_next_gives_the_same_nodes() -> None:
    async with agent.iter("What is the capital of France?") as agent_run:
        next_node = agent_run.next_node
        nodes = [next_node]
        while not isinstance(next_node, End):
            next_node = await agent_run.next(next_node)
            nodes.append(next_node)
    assert [type(n) for n in nodes] == [UserPromptNode, ModelRequestNode, CallToolsNode, End]
    assert agent_run.result is not None
    assert agent_run.result.output == "The capital of France is Paris."
    assert agent_run.next_node is nodes[-1]


async def test_next_accepts_a_replaced_node() -> None:
    model = scripted_model([TextPart("ok")])
    async with Agent(model).iter("original") as run:
        first = await run.next(run.next_node)
        assert isinstance(first, ModelRequestNode)
        replaced = ModelRequestNode(ModelRequest(parts=[UserPromptPart("replaced")]))
        await run.next(replaced)
        assert model.calls[0][0].parts[0].content == "replaced"
        assert run.all_messages()[0] is replaced.request


async def test_async_for_yields_a_node_advanced_by_next_without_rerunning_it() -> None:
    model = scripted_model([TextPart("done")])
    seen = []
    async with Agent(model).iter("hi") as run:
        async for node in run:
            seen.append(type(node).__name__)
            if isinstance(node, UserPromptNode):
                await run.next(node)  # the loop then yields the ModelRequestNode, not a re-run
    assert seen == ["UserPromptNode", "ModelRequestNode", "CallToolsNode", "End"]
    assert len(model.calls) == 1


async def test_run_returns_result_with_history_usage_and_ids() -> None:
    model = scripted_model(
        [ToolCallPart("get_weather", {"city": "Paris"}, "call_1")], [TextPart("It is sunny in Paris.")]
    )
    weather = Agent(model)

    @weather.tool_plain
    def get_weather(city: str) -> str:
        return f"sunny in {city}"

    result = await weather.run("Weather in Paris?")
    assert result.output == "It is sunny in Paris."
    assert result.usage() == RunUsage(input_tokens=109, output_tokens=16, requests=2, tool_calls=1)
    messages = result.all_messages()
    assert [m.kind for m in messages] == ["request", "response", "request", "response"]
    assert messages[2].parts == [
        ToolReturnPart("get_weather", "sunny in Paris", "call_1", timestamp=messages[2].parts[0].timestamp)
    ]
    assert {m.run_id for m in messages} == {result.run_id}
    assert {m.conversation_id for m in messages} == {result.conversation_id}
    assert result.response is messages[-1]
    assert result.timestamp() == messages[-1].timestamp
    assert result.new_messages() == messages
    assert ModelMessagesTypeAdapter.validate_json(result.all_messages_json()) == messages


async def test_message_history_in_and_new_messages_out() -> None:
    model = scripted_model([TextPart("first")], [TextPart("second")])
    chat = Agent(model)
    first = await chat.run("one")
    second = await chat.run("two", message_history=first.all_messages())
    assert second.output == "second"
    assert len(second.all_messages()) == 4
    assert second.new_messages() == second.all_messages()[2:]
    assert second.conversation_id == first.conversation_id  # continued from the history
    assert second.run_id != first.run_id
    assert [m.parts[0].content for m in model.calls[1] if isinstance(m, ModelRequest)] == ["one", "two"]


async def test_history_ending_in_a_request_is_resent_without_a_prompt() -> None:
    model = scripted_model([TextPart("answer")])
    history = [ModelRequest(parts=[UserPromptPart("pending question")])]
    result = await Agent(model).run(message_history=history)
    assert result.output == "answer"
    assert model.calls[0][-1].parts[0].content == "pending question"
    assert result.new_messages() == [result.all_messages()[-1]]  # the re-sent request is not new


async def test_new_prompt_over_unprocessed_tool_calls_is_a_user_error() -> None:
    history = [ModelRequest(parts=[UserPromptPart("q")]), ModelResponse(parts=[ToolCallPart("t", {}, "c1")])]
    with pytest.raises(UserError, match="unprocessed tool calls"):
        await Agent(scripted_model()).run("another", message_history=history)


async def test_no_prompt_no_history_no_instructions_is_a_user_error() -> None:
    with pytest.raises(UserError, match="No message history, user prompt, or instructions"):
        await Agent(scripted_model([TextPart("x")])).run()


async def test_model_must_be_set() -> None:
    with pytest.raises(UserError, match="`model` must either be set on the agent or included when calling it"):
        await Agent().run("hi")


async def test_agent_test_model_by_name() -> None:
    assert (await Agent("test").run("Hello")).output == "success (no tool calls)"
    tooled = Agent("test")

    @tooled.tool_plain
    def add(a: int, b: int = 3) -> int:
        return a + b

    result = await tooled.run("add")
    assert result.output == '{"add":3}'
    assert result.usage().tool_calls == 1


async def test_next_after_the_end_and_after_the_block_is_a_user_error() -> None:
    async with agent.iter("q") as run:
        async for _ in run:
            pass
        with pytest.raises(UserError, match="already ended"):
            await run.next(ModelRequestNode(ModelRequest(parts=[UserPromptPart("x")])))
    with pytest.raises(UserError, match="already ended"):
        await run.next(run.next_node)  # type: ignore[arg-type]
    async with agent.iter("q") as unfinished:
        pass
    with pytest.raises(UserError, match="block has exited"):
        await unfinished.next(unfinished.next_node)  # type: ignore[arg-type]


async def test_two_tasks_cannot_advance_one_run_at_once() -> None:
    release = trio.Event()

    async def slow(messages: list, info: AgentInfo) -> ModelResponse:
        await release.wait()
        return ModelResponse(parts=[TextPart("ok")])

    async with Agent(FunctionModel(slow)).iter("q") as run:
        node = await run.next(run.next_node)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(run.next, node)
            await trio.testing.wait_all_tasks_blocked()
            with pytest.raises(trio.BusyResourceError):
                await run.next(node)
            release.set()
        assert isinstance(run.next_node, CallToolsNode)


async def test_errors_in_the_block_propagate_unwrapped_and_the_driver_is_gone() -> None:
    before = task_names()
    with pytest.raises(KeyError, match="mine"):
        async with agent.iter("q") as run:
            await run.next(run.next_node)
            raise KeyError("mine")
    assert task_names() == before


async def test_a_step_error_is_raised_from_next_and_leaves_the_run_unchanged() -> None:
    def boom(messages: list, info: AgentInfo) -> ModelResponse:
        raise ValueError("model exploded")

    async with Agent(FunctionModel(boom)).iter("q") as run:
        node = await run.next(run.next_node)
        before = run.all_messages()
        with pytest.raises(ValueError, match="model exploded"):
            await run.next(node)
        assert run.all_messages() == before
        assert run.next_node is node
        assert run.usage().requests == 0


async def test_agent_run_type_and_ctx_state() -> None:
    async with agent.iter("q") as run:
        assert isinstance(run, AgentRun)
        await run.next(run.next_node)
        assert run.ctx.state.messages == []  # the first request is pending, not yet sent
        assert run.all_messages()[0].parts[0].content == "q"
        assert run.ctx.run_context().deps is None


@pytest.mark.parametrize(
    ("prompt", "match"),
    [
        (42, "not a 'int'"),
        (b"bytes", "not a 'bytes'"),
        ({"a": 1}, "not a 'dict'"),
        ([42], "item 0 is a 'int'"),
        ([UserPromptPart("x")], "item 0 is a 'UserPromptPart'"),
        (ImageUrl("https://e.x/a.png"), "lone ImageUrl; pass a list"),
    ],
)
async def test_prompts_that_are_not_user_content_are_refused_up_front(prompt: object, match: str) -> None:
    model = scripted_model([TextPart("x")])
    with pytest.raises(UserError, match=match):
        await Agent(model).run(prompt)  # type: ignore[arg-type]
    assert model.calls == []
