"""W2: a five-turn tool loop on FunctionModel: engine overhead per model turn, in microseconds."""

from __future__ import annotations

import sys

from _harness import agent_bodies, emit, instrument_from_argv, measure

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel

TURNS = 5


async def loop(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    turn = sum(1 for m in messages if isinstance(m, ModelResponse))
    if turn < TURNS - 1:
        return ModelResponse(parts=[ToolCallPart("step", {"n": turn}, f"call_{turn}")])
    return ModelResponse(parts=[TextPart("done")])


def main() -> None:
    agent = Agent(FunctionModel(loop), instrument=instrument_from_argv())

    @agent.tool_plain
    async def step(n: int) -> int:
        return n + 1

    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    traced = ", traced" if agent.instrument else ""

    figures = measure(agent_bodies(agent, "go", steps=1 + 2 * TURNS)[mode], iterations=500, warmup=100)
    emit(
        f"W2 five-turn tool loop ({mode}{traced})",
        us_per_model_turn=round(figures["wall_us"] / TURNS, 1),
        cpu_us_per_model_turn=round(figures["cpu_us"] / TURNS, 1),
        us_per_run=round(figures["wall_us"], 1),
    )


if __name__ == "__main__":
    main()
