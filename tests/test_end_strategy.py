"""``end_strategy``: what happens to function-tool calls that arrive together with a final output."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from conftest import scripted_model
from trio_agent import Agent, ModelRetry
from trio_agent.messages import ToolCallPart, ToolReturnPart


class Answer(BaseModel):
    value: int


def build(strategy: Any, calls: list[ToolCallPart], ran: list[str], *more: Any) -> Agent[None, Answer]:
    agent: Agent[None, Answer] = Agent(scripted_model(calls, *more), output_type=Answer, end_strategy=strategy)

    @agent.tool_plain
    def side_effect(tag: str) -> str:
        ran.append(tag)
        if tag == "retry":
            raise ModelRetry("again")
        return f"did {tag}"

    return agent


def returns(result: Any) -> list[tuple[str, Any]]:
    return [(p.tool_name, p.content) for p in result.all_messages()[-1].parts if isinstance(p, ToolReturnPart)]


CALLS = [
    ToolCallPart("side_effect", {"tag": "before"}, "a"),
    ToolCallPart("final_result", {"value": 1}, "out1"),
    ToolCallPart("final_result", {"value": 2}, "out2"),
    ToolCallPart("side_effect", {"tag": "after"}, "b"),
]


async def test_graceful_runs_every_function_call_and_keeps_the_first_output() -> None:
    ran: list[str] = []
    result = await build("graceful", CALLS, ran).run("x")
    assert result.output == Answer(value=1)
    assert ran == ["before", "after"]
    assert returns(result) == [
        ("side_effect", "did before"),
        ("final_result", "Final result processed."),
        ("final_result", "Output tool not used - a final result was already processed."),
        ("side_effect", "did after"),
    ]


async def test_early_skips_function_calls_once_an_output_is_valid() -> None:
    ran: list[str] = []
    result = await build("early", CALLS, ran).run("x")
    assert result.output == Answer(value=1)
    assert ran == []
    assert returns(result) == [  # the output calls' returns first, as the reference orders them
        ("final_result", "Final result processed."),
        ("final_result", "Output tool not used - a final result was already processed."),
        ("side_effect", "Tool not executed - a final result was already processed."),
        ("side_effect", "Tool not executed - a final result was already processed."),
    ]


async def test_exhaustive_processes_everything() -> None:
    ran: list[str] = []
    result = await build("exhaustive", CALLS, ran).run("x")
    assert result.output == Answer(value=1)
    assert sorted(ran) == ["after", "before"]  # concurrently, in one batch
    assert returns(result) == [
        ("side_effect", "did before"),
        ("final_result", "Final result processed."),
        ("final_result", "Output tool processed, but its value will not be the final result of the agent run."),
        ("side_effect", "did after"),
    ]


@pytest.mark.parametrize("strategy", ["graceful", "exhaustive"])
async def test_a_tool_retry_wins_over_a_valid_output(strategy: str) -> None:
    ran: list[str] = []
    calls = [ToolCallPart("side_effect", {"tag": "retry"}, "a"), ToolCallPart("final_result", {"value": 1}, "out")]
    agent = build(strategy, calls, ran, [ToolCallPart("final_result", {"value": 3}, "out2")])
    result = await agent.run("x")
    assert result.output == Answer(value=3)
    first_round = result.all_messages()[2].parts
    assert first_round[0].part_kind == "retry-prompt"
    assert (first_round[0].content, first_round[0].tool_name, first_round[0].tool_call_id) == (
        "again",
        "side_effect",
        "a",
    )
    assert first_round[1].content == (
        "Output not used as the final result - addressing tool retries from this round first."
    )


async def test_early_with_an_invalid_output_still_runs_the_tools() -> None:
    ran: list[str] = []
    calls = [ToolCallPart("final_result", {"value": "x"}, "out"), ToolCallPart("side_effect", {"tag": "t"}, "a")]
    result = await build("early", calls, ran, [ToolCallPart("final_result", {"value": 4}, "out2")]).run("x")
    assert result.output == Answer(value=4)
    assert ran == ["t"]
